/** Mutants aimed at the read checks (§4.5 B without mutations). */
import {
  type ConnectorDefinition,
  type Offset,
  type RawRecord,
  sameOffset,
  type TableRead,
} from '@lakeflow/core/connector'
import { ApiCallError, LakeflowError } from '@lakeflow/core/errors'
import { parseOptions } from '@lakeflow/core/options'
import {
  createExampleConnector,
  ExampleOptions,
  connector as example,
} from '../../../../connectors/example/src/index.ts'
import { mutant, readTableFor, transformRead } from './mutate.ts'

/** Each users call yields its first ten records again at the end (a page fetched twice). */
export const duplicatesPage = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    (async function* (): TableRead {
      const read = inner.readTable('users', start, options)
      const first: RawRecord[] = []
      for (;;) {
        const step = await read.next()
        if (step.done) {
          yield* first
          return step.value
        }
        if (first.length < 10) first.push(step.value)
        yield step.value
      }
    })(),
  ),
)

/** users returns records but always the offset it was given. */
export const neverAdvances = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    transformRead(inner.readTable('users', start, options), { end: () => start }),
  ),
)

/** users offsets carry the time of the read: replaying gives a different end offset. */
export const wallClockOffset = mutant(({ inner }) => {
  let reads = 0
  return readTableFor(inner, 'users', (start, options) => {
    const { read_at: _readAt, ...clean } = start ?? {}
    return transformRead(inner.readTable('users', start ? clean : null, options), {
      end: (end) => (end && !sameOffset(end, clean) ? { ...end, read_at: `${Date.now()}-${++reads}` } : start),
    })
  })
})

/** An offset past the cap looks corrupt to this mutant, which restarts from the beginning. */
export const restartsOnFutureOffset = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) => {
    const cursor = typeof start?.cursor === 'string' ? Date.parse(start.cursor) : Number.NaN
    return inner.readTable('users', cursor > Date.now() ? {} : start, options)
  }),
)

/** users subtracts a ten-minute lookback from every offset it returns. */
export const lookbackOffset = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    transformRead(inner.readTable('users', start, options), {
      end: (end) => {
        if (!end || typeof end.cursor !== 'string' || sameOffset(end, start)) return end
        return { cursor: new Date(Date.parse(end.cursor) - 600_000).toISOString() }
      },
    }),
  ),
)

/** No init-time cap: the instance reads up to the year 2999, so arriving records never end a read. */
export const noInitTimeCap: ConnectorDefinition = {
  ...example,
  create(options) {
    return createExampleConnector(parseOptions(ExampleOptions, options, 'mutant noInitTimeCap'), {
      now: new Date('2999-01-01T00:00:00.000Z'),
    })
  },
}

/** Swallows request errors and ends the read as if complete. */
export const swallowsErrors = mutant(({ inner }) => ({
  readTable(table: string, start: Offset | null, options: Readonly<Record<string, string>>): TableRead {
    return (async function* () {
      try {
        return yield* inner.readTable(table, start, options)
      } catch {
        return start
      }
    })()
  },
}))

/**
 * Treats a 401 as a passing hiccup: retries the call a few times on fresh instances, then
 * reports it as transient (so a runner retries forever instead of asking for credentials).
 */
export const retriesRevokedCredentials = mutant(({ inner, options }) => ({
  readTable(table: string, start: Offset | null, tableOptions: Readonly<Record<string, string>>): TableRead {
    return (async function* () {
      for (let attempt = 1; ; attempt++) {
        const connector = attempt === 1 ? inner : (example.create(options) as typeof inner)
        try {
          return yield* connector.readTable(table, start, tableOptions)
        } catch (error) {
          if (!(ApiCallError.isInstance(error) && error.status === 401)) throw error
          if (attempt >= 5)
            throw new LakeflowError('The example API is unavailable; try later', { category: 'transient' })
        }
      }
    })()
  },
}))

/** Collects the whole events table into memory before yielding the first record. */
export const buffersEverything = mutant(({ inner }) =>
  readTableFor(inner, 'events', (start, options) =>
    (async function* (): TableRead {
      const read = inner.readTable('events', start, options)
      const all: RawRecord[] = []
      for (;;) {
        const step = await read.next()
        if (step.done) {
          yield* all
          return step.value
        }
        all.push(step.value)
      }
    })(),
  ),
)

/** Streams events page by page but remembers every record it yielded (a "seen" set that never shrinks). */
export const remembersEveryRecord = mutant(({ inner }) => {
  const seen = new Map<unknown, RawRecord>()
  return readTableFor(inner, 'events', (start, options) =>
    transformRead(inner.readTable('events', start, options), {
      records: (record) => {
        seen.set(record.event_id, record)
        return record
      },
    }),
  )
})
