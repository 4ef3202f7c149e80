import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'

/** An answer the proxy gives instead of forwarding. */
export interface InjectedResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: string
}

/** A proxy in front of a real server, answering some requests itself (faults such as throttling). */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string
  /** When each request arrived (ms, `performance.now()`), with whether it was answered by the proxy. */
  readonly log: readonly {
    readonly at: number
    readonly injected: boolean
    readonly headers: IncomingMessage['headers']
  }[]
  stop(): Promise<void>
}

/**
 * Starts an HTTP proxy on a free port of 127.0.0.1 that forwards every request to `target`
 * unless `inject` returns a response for it, e.g. the first N Kinesis GetRecords calls
 * answered with ProvisionedThroughputExceededException.
 */
export async function startFaultProxy(
  target: string,
  inject: (request: IncomingMessage, body: Buffer) => InjectedResponse | undefined,
): Promise<FaultProxy> {
  const upstream = new URL(target)
  const log: { at: number; injected: boolean; headers: IncomingMessage['headers'] }[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const injected = inject(request, body)
      log.push({ at: performance.now(), injected: injected !== undefined, headers: request.headers })
      if (injected) {
        response.writeHead(injected.status, { 'content-type': 'application/x-amz-json-1.1', ...injected.headers })
        response.end(injected.body)
        return
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        },
      )
      forward.on('error', (error) => {
        response.writeHead(502)
        response.end(String(error))
      })
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
