import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { seededRandom } from '@lakeflow/core/internal'

/**
 * A tiny real HTTP source for pipeline tests ("shop"): products (snapshot, paged by page
 * number or by `after_id`), users
 * (cursor-based cdc), orders (cdc plus tombstones), events (append by sequence number).
 * Mutations move a clock one second each, so cursors are unique and ordered. Faults
 * (error statuses, connection resets) can be scripted for the next N requests.
 */
export interface ShopServer {
  readonly baseUrl: string
  readonly token: string
  /** Live records of a table, by key. */
  readonly tables: Record<ShopTable, Map<number, Record<string, unknown>>>
  readonly tombstones: Record<string, unknown>[]
  /** Requests served (including failed ones), with their query string (`?after_id=8&limit=4`). */
  readonly requests: { path: string; query: string; status: number }[]
  upsert(table: 'users' | 'orders' | 'products', record: Record<string, unknown>): void
  remove(table: 'orders' | 'products' | 'users', id: number): void
  appendEvent(event: Record<string, unknown>): void
  /**
   * The next `times` requests (optionally only paths matching `match`, after letting `after`
   * matching requests through) fail with an HTTP status (with `body`, by default
   * `{"error":"injected fault"}`), or are reset mid-body.
   */
  fail(times: number, fault: number | 'reset', match?: RegExp, after?: number, body?: unknown): void
  /** Every request with this probability fails with one of the faults (seeded). */
  chaos(probability: number, faults: (number | 'reset')[], seed?: number): void
  /** Delays every response by `ms` (makes runs long enough to interrupt). */
  setDelay(ms: number): void
  stop(): Promise<void>
}

export type ShopTable = 'products' | 'users' | 'orders' | 'events'

const START = Date.parse('2024-01-01T00:00:00Z')

/** Seeds a shop with deterministic data: `size` products, users, orders and events. */
export function seedShop(shop: ShopServer, size = 30): void {
  for (let id = 1; id <= size; id++) {
    shop.upsert('products', {
      id,
      name: `product ${id}`,
      price: `${id}.${String(id % 100).padStart(2, '0')}`,
      tags: id % 3 === 0 ? null : [`t${id % 4}`, `t${id % 5}`],
      attributes: { color: ['red', 'green', 'blue'][id % 3], size: String(id % 7) },
      dimensions: id % 4 === 0 ? null : { width: id * 1.5, height: id / 2 },
      image: Buffer.from(`img-${id}`).toString('base64'),
    })
  }
  for (let id = 1; id <= size; id++) {
    shop.upsert('users', { id, email: `user${id}@example.com`, name: `User ${id}`, status: 'active' })
    shop.upsert('orders', { id, user_id: (id % 7) + 1, amount: id * 2.5, status: 'open' })
    shop.appendEvent({ kind: id % 2 ? 'click' : 'view', user_id: (id % 5) + 1, payload: JSON.stringify({ n: id }) })
  }
}

/** Starts the shop on 127.0.0.1 (free port). */
export async function startShopServer(options: { token?: string } = {}): Promise<ShopServer> {
  const token = options.token ?? 'shop-secret-token-0123456789'
  let clock = START
  let eventSeq = 0
  const tables: ShopServer['tables'] = { products: new Map(), users: new Map(), orders: new Map(), events: new Map() }
  const tombstones: Record<string, unknown>[] = []
  const requests: ShopServer['requests'] = []
  const scripted: { times: number; fault: number | 'reset'; match?: RegExp; after: number; body?: unknown }[] = []
  let delayMs = 0
  let chaos: { probability: number; faults: (number | 'reset')[]; random: () => number } | undefined
  const tick = () => {
    clock += 1000
    return new Date(clock).toISOString()
  }

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  }

  const pickFault = (path: string): { fault: number | 'reset'; body?: unknown } | undefined => {
    const rule = scripted.find((candidate) => candidate.times > 0 && (!candidate.match || candidate.match.test(path)))
    if (rule && rule.after > 0) {
      rule.after--
    } else if (rule) {
      rule.times--
      return rule
    }
    if (chaos && chaos.random() < chaos.probability) {
      return { fault: chaos.faults[Math.floor(chaos.random() * chaos.faults.length)]! }
    }
    return undefined
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const picked = pickFault(url.pathname)
    const fault = picked?.fault
    if (fault === 'reset') {
      requests.push({ path: url.pathname, query: url.search, status: 0 })
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
      response.write('{"records":[{"id":')
      setTimeout(() => request.socket.destroy(), 5)
      return
    }
    if (fault !== undefined) {
      requests.push({ path: url.pathname, query: url.search, status: fault })
      response.setHeader('retry-after', '0')
      return send(response, fault, picked?.body ?? { error: 'injected fault' })
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      requests.push({ path: url.pathname, query: url.search, status: 401 })
      return send(response, 401, { error: 'bad credentials' })
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 100)
    const since = url.searchParams.get('since') ?? ''
    const parts = url.pathname.split('/').filter(Boolean)
    const table = parts[0] as ShopTable
    requests.push({ path: url.pathname, query: url.search, status: 200 })
    if (parts.length === 1 && table === 'products') {
      const all = [...tables.products.values()].sort((left, right) => Number(left.id) - Number(right.id))
      const afterId = url.searchParams.get('after_id')
      if (afterId !== null) {
        // keyset pages: the records after an id (stable while other records change)
        return send(response, 200, { records: all.filter((row) => Number(row.id) > Number(afterId)).slice(0, limit) })
      }
      const page = Number(url.searchParams.get('page') ?? 1)
      return send(response, 200, { records: all.slice((page - 1) * limit, page * limit) })
    }
    if (parts.length === 1 && (table === 'users' || table === 'orders')) {
      const rows = [...tables[table].values()]
        .filter((row) => String(row.updated_at) > since)
        .sort((left, right) => String(left.updated_at).localeCompare(String(right.updated_at)))
      return send(response, 200, { records: rows.slice(0, limit) })
    }
    if (parts.length === 2 && table === 'orders' && parts[1] === 'deleted') {
      const rows = tombstones.filter((row) => String(row.updated_at) > since)
      return send(response, 200, { records: rows.slice(0, limit) })
    }
    if (parts.length === 1 && table === 'events') {
      const after = Number(url.searchParams.get('after') ?? 0)
      const rows = [...tables.events.values()].filter((row) => Number(row.seq) > after)
      return send(response, 200, { records: rows.slice(0, limit) })
    }
    return send(response, 404, { error: `no route ${url.pathname}` })
  }

  const server: Server = createServer((request, response) => {
    if (delayMs > 0) setTimeout(() => handle(request, response), delayMs)
    else handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    tables,
    tombstones,
    requests,
    upsert(table, record) {
      const id = Number(record.id)
      const previous = tables[table].get(id) ?? {}
      const next = { ...previous, ...record }
      if (table !== 'products') next.updated_at = tick()
      tables[table].set(id, next)
    },
    remove(table, id) {
      tables[table].delete(id)
      if (table === 'orders') tombstones.push({ id, updated_at: tick() })
    },
    appendEvent(event) {
      eventSeq++
      tables.events.set(eventSeq, { seq: eventSeq, at: tick(), ...event })
    },
    fail(times, fault, match, after = 0, body = undefined) {
      scripted.push({ times, fault, after, ...(match ? { match } : {}), ...(body === undefined ? {} : { body }) })
    },
    chaos(probability, faults, seed = 7) {
      chaos = probability > 0 ? { probability, faults, random: seededRandom(seed) } : undefined
    },
    setDelay(ms) {
      delayMs = ms
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
