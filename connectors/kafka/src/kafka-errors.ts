import { LakeflowError, StreamError, type StreamProblem } from '@lakeflow/core/errors'

/** What a Kafka client error says, gathered from it, its nested errors and causes. */
interface ErrorFacts {
  codes: Set<string>
  messages: string[]
}

function gather(error: unknown, facts: ErrorFacts = { codes: new Set(), messages: [] }, depth = 0): ErrorFacts {
  if (depth > 6 || typeof error !== 'object' || error === null) return facts
  const value = error as { code?: unknown; apiId?: unknown; message?: unknown; errors?: unknown; cause?: unknown }
  for (const code of [value.code, value.apiId]) if (typeof code === 'string') facts.codes.add(code)
  if (typeof value.message === 'string' && value.message) facts.messages.push(value.message)
  if (Array.isArray(value.errors)) for (const inner of value.errors) gather(inner, facts, depth + 1)
  if (value.cause !== undefined) gather(value.cause, facts, depth + 1)
  return facts
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|ERR_TLS_|ERR_SSL_|ERR_OSSL_)/

/** The stream problem a client error amounts to, or undefined when it is none of the known ones. */
function classify(facts: ErrorFacts): { problem: StreamProblem; reason: string } | undefined {
  const has = (...codes: string[]) => codes.some((code) => facts.codes.has(code))
  const text = facts.messages.join(' | ')
  if (
    has(
      'SASL_AUTHENTICATION_FAILED',
      'PLT_KFK_AUTHENTICATION',
      'ILLEGAL_SASL_STATE',
      'UNSUPPORTED_SASL_MECHANISM',
      'TOPIC_AUTHORIZATION_FAILED',
      'CLUSTER_AUTHORIZATION_FAILED',
      'GROUP_AUTHORIZATION_FAILED',
    )
  ) {
    return { problem: 'auth', reason: 'the brokers refused the credentials' }
  }
  if ([...facts.codes].some((code) => TLS_CODES.test(code))) {
    return { problem: 'auth', reason: 'the TLS handshake failed (check ssl_ca and the client certificate)' }
  }
  // the client reports a metadata answer without the topic as a user error "Unknown topic <name>."
  if (has('UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID', 'INCONSISTENT_TOPIC_ID') || /\bUnknown topic /.test(text)) {
    return { problem: 'unknown-stream', reason: 'the topic does not exist' }
  }
  if (has('OFFSET_OUT_OF_RANGE'))
    return { problem: 'offset-out-of-range', reason: 'the position is no longer in the log' }
  if (
    has(
      'PLT_KFK_NETWORK',
      'PLT_KFK_TIMEOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
    )
  ) {
    return { problem: 'unreachable', reason: 'no broker answered' }
  }
  if (/certificate|self[- ]signed|handshake/i.test(text)) {
    return { problem: 'auth', reason: 'the TLS handshake failed (check ssl_ca and the client certificate)' }
  }
  return undefined
}

/**
 * Translates an error of the Kafka client into a typed Lakeflow error, once, at the
 * client boundary: `StreamError` for the known problems (redacted), `LakeflowError`
 * (category `source`) for the rest. Lakeflow errors pass through.
 */
export function toKafkaError(
  error: unknown,
  doing: string,
  where: { topic: string; partition?: number; offset?: number; bootstrap: readonly string[] },
): LakeflowError {
  if (LakeflowError.isInstance(error)) return error
  const facts = gather(error)
  const found = classify(facts)
  const detail = facts.messages.slice(0, 3).join(' | ') || String(error)
  if (!found) {
    return new LakeflowError(`Kafka: ${doing} failed at ${where.bootstrap.join(',')}: ${detail}`, {
      category: 'source',
      cause: error,
    })
  }
  return new StreamError(`Kafka: ${doing} failed: ${found.reason} (brokers ${where.bootstrap.join(',')}): ${detail}`, {
    problem: found.problem,
    stream: where.topic,
    ...(where.partition === undefined ? {} : { partition: where.partition }),
    ...(where.offset === undefined ? {} : { position: where.offset }),
    cause: error,
  })
}
