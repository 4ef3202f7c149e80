import type { ResponseMeta } from '../http/types.ts'

/**
 * The init-time cap of a connector instance: reads never return records stamped after it,
 * so a read of a source that keeps changing still ends, and the next instance picks up
 * what came later. Taken from the local clock, or from the server's `Date` header so
 * cursors (server times) are never compared with a skewed local clock.
 */
export interface InitClock {
  /** The cap in epoch milliseconds; a server clock may make one request to learn it. */
  cap(): Promise<number>
  /** The cap when it is known without a request. */
  known(): number | undefined
  /** Offers a response: a server clock takes its cap from the first one with a `Date` header. */
  observe(response: ResponseMeta): void
}

/**
 * The local clock at `now` (the moment the connector instance is made).
 * @example localClock() // cap = the instance's creation time
 */
export function localClock(now: Date = new Date()): InitClock {
  const cap = now.getTime()
  return { cap: async () => cap, known: () => cap, observe: () => {} }
}

/** Settings of {@link serverClock}. */
export interface ServerClockSettings {
  /**
   * A cheap request made when the cap is needed before any response arrived (GitHub's
   * `GET /rate_limit`, which costs no quota). Its response is observed.
   */
  probe: () => Promise<ResponseMeta>
  /**
   * The source's time resolution: the cap is floored to it, and is inclusive (records
   * stamped in the cap's second are read).
   * @default 1000 (whole seconds, as HTTP dates have)
   */
  resolutionMs?: number
}

/**
 * The server's clock at the instance's first response. Falls back to the local clock when
 * the server sends no `Date` header.
 * @example serverClock({ probe: () => client.getJson('/rate_limit', { allowStatuses: [404] }) })
 */
export function serverClock(settings: ServerClockSettings): InitClock {
  const resolution = settings.resolutionMs ?? 1000
  let first: number | undefined
  const floor = (time: number) => Math.floor(time / resolution) * resolution
  const clock: InitClock = {
    observe(response) {
      if (first !== undefined) return
      const date = Date.parse(response.headers.get('date') ?? '')
      if (!Number.isNaN(date)) first = date
    },
    known: () => (first === undefined ? undefined : floor(first)),
    async cap() {
      if (first === undefined) {
        clock.observe(await settings.probe())
        first ??= Date.now()
      }
      return floor(first)
    },
  }
  return clock
}
