import { createServer } from 'node:http'
import ky from 'ky'
import { createHttpClient } from './src/http/index.ts'
const record = (id: number) => ({ id, title: 'Issue title '.repeat(4), body: 'lorem ipsum '.repeat(120), user: { login: 'octocat', id: 1 }, labels: [{ id: 1, name: 'bug' }], created_at: '2026-01-01T00:00:00Z' })
const size = Number(process.argv[2] ?? 100)
const page = JSON.stringify(Array.from({ length: size }, (_, i) => record(i)))
const server = createServer((_q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.end(page) })
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
const url = `http://127.0.0.1:${(server.address() as any).port}/issues`
const client = createHttpClient({ baseUrl: url.replace('/issues', '') })
const k = ky.create({ retry: 0, timeout: false, throwHttpErrors: false })
const N = 200
const variants: Record<string, () => Promise<unknown>> = {
  fetch: async () => JSON.parse(await (await fetch(url)).text()),
  ky: async () => JSON.parse(await (await k(url)).text()),
  client: async () => client.getJson('/issues'),
}
for (const fn of Object.values(variants)) for (let i = 0; i < 50; i++) await fn()
const totals: Record<string, number> = {}
for (let round = 0; round < 8; round++) for (const [name, fn] of Object.entries(variants)) { const t = performance.now(); for (let i = 0; i < N; i++) await fn(); totals[name] = (totals[name] ?? 0) + performance.now() - t }
console.log(`page ${page.length} B`)
for (const [name, ms] of Object.entries(totals)) console.log(name.padEnd(8), (8 * N * size / (ms / 1000)).toFixed(0), 'rec/s', (8*N/(ms/1000)).toFixed(0), 'req/s')
server.close()
