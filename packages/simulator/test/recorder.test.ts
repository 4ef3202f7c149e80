import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createRecorder, createSimulator, REDACTED_EMAIL, type Recorder } from '../src/index.ts'
import { AUTH, parseLink, startSimulator, TICKETS_SPEC, tickets } from './helpers.ts'

const recorders: Recorder[] = []
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((recorder) => recorder.stop().catch(() => undefined)))
})

const outDir = () => mkdtempSync(join(tmpdir(), 'simulator-record-'))
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const scrubbed = (text: string) => text.replace(EMAIL, REDACTED_EMAIL)

/** Reads every page of /v2/tickets by following Link headers from `start`. */
async function walkTickets(start: string): Promise<string[]> {
  const bodies: string[] = []
  let url: string | undefined = start
  while (url) {
    const response = await fetch(url, { headers: AUTH })
    bodies.push(await response.text())
    url = parseLink(response.headers.get('link')).next
  }
  return bodies
}

describe('record mode', () => {
  it('records a live source through the proxy; the recorded corpus serves the same responses', async () => {
    // The "live" source is a second, real simulator.
    const live = await startSimulator()
    live.simulator.data.delete('tickets', { id: 3 })
    live.simulator.data.delete('tickets', { id: 4 })
    const out = outDir()
    const recorder = createRecorder({ target: live.url, spec: TICKETS_SPEC, out })
    recorders.push(recorder)
    const proxy = await recorder.start()

    const viaProxy = await walkTickets(`${proxy}/v2/tickets?per_page=7`)
    expect(viaProxy).toHaveLength(6) // 38 live tickets / 7, links rewritten to the proxy
    expect(viaProxy.join('')).toContain('user1@example.org') // the client sees the live response unchanged
    const me = await fetch(`${proxy}/v2/me`)
    const deleted = await fetch(`${proxy}/v2/deleted_tickets?limit=50`)
    expect(await deleted.json()).toMatchObject({ results: [{ id: 3 }, { id: 4 }] })
    expect((await fetch(`${proxy}/v2/tickets`)).status).toBe(401) // not stored: no records
    expect((await fetch(`${proxy}/nowhere`)).status).toBe(404)
    expect(me.status).toBe(200)

    const summary = await recorder.stop()
    expect(summary.records).toEqual({ tickets: 38, 'tickets.tombstones': 2, me: 1 })
    expect(summary.unmatched).toEqual(['GET /nowhere'])
    expect(readdirSync(out).sort()).toEqual(['me.json', 'recording.json', 'tickets.json', 'tickets.tombstones.json'])
    const everything = readdirSync(out)
      .map((file) => readFileSync(join(out, file), 'utf8'))
      .join('\n')
    expect(everything).not.toContain('s3cret-token')
    expect(everything).not.toContain('@example.org')
    expect(everything).toContain(REDACTED_EMAIL)
    const recording = JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8'))
    expect(recording.target).toBe(live.url)
    expect(recording.endpoints.find((entry: any) => entry.endpoint === 'GET /v2/tickets')).toMatchObject({
      requests: 7,
      statuses: { 200: 6, 401: 1 },
      response_headers: { 'x-ratelimit-remaining': '4999' },
    })

    // Replay: a simulator on the recorded corpus answers like the live one (emails scrubbed).
    const replay = createSimulator({ spec: TICKETS_SPEC, corpus: out })
    const replayUrl = await replay.start()
    try {
      const paths = [
        '/v2/tickets?per_page=7',
        '/v2/tickets?since=2024-01-05T00:00:00Z&sort=id&direction=desc',
        '/v2/tickets/12',
        '/v2/me',
      ]
      for (const path of paths) {
        const [expected, actual] = await Promise.all(
          [live.url, replayUrl].map(async (base) => (await fetch(`${base}${path}`, { headers: AUTH })).text()),
        )
        expect(actual).toBe(scrubbed(expected!))
      }
      const replayDeleted = (await (await fetch(`${replayUrl}/v2/deleted_tickets`)).json()) as any
      expect(replayDeleted.results.map((record: { id: number }) => record.id)).toEqual([3, 4])
    } finally {
      await replay.stop()
    }
  })

  it('keeps at most sampleSize records per table, deduplicated by primary key; applies field scrubbers and secrets', async () => {
    const live = await startSimulator()
    const out = outDir()
    const recorder = createRecorder({
      target: `${live.url}/`,
      spec: TICKETS_SPEC,
      out,
      sampleSize: 5,
      scrub: {
        fields: { 'requester.name': 'Jane Doe', subject: (value) => String(value).toUpperCase() },
        secrets: ['acme'],
      },
    })
    recorders.push(recorder)
    const proxy = await recorder.start()
    for (const query of ['per_page=3', 'per_page=3', 'per_page=3&page=2', 'per_page=3&page=3']) {
      expect((await fetch(`${proxy}/v2/tickets?${query}`, { headers: AUTH })).status).toBe(200)
    }
    await recorder.stop()
    const recorded = JSON.parse(readFileSync(join(out, 'tickets.json'), 'utf8'))
    expect(recorded.map((record: { id: number }) => record.id)).toEqual([1, 2, 3, 4, 5])
    expect(recorded[0]).toEqual({
      ...tickets()[0],
      account: '[REDACTED]',
      subject: 'TICKET 1',
      requester: { name: 'Jane Doe', email: REDACTED_EMAIL },
    })
  })

  it('query-string credentials are never stored, and an unreachable target gives a 502', async () => {
    const live = await startSimulator({
      spec: { endpoints: [{ path: '/echo', method: 'GET', corpus: 'echo', response: { single_entity: true } }] },
      corpus: { echo: { note: 'token abcdef123456 inside', id: 1 } },
    })
    const out = outDir()
    const recorder = createRecorder({
      target: live.url,
      spec: { endpoints: [{ path: '/echo', method: 'GET', corpus: 'echo', response: { single_entity: true } }] },
      out,
    })
    recorders.push(recorder)
    const proxy = await recorder.start()
    await fetch(`${proxy}/echo?access_token=abcdef123456`)
    await recorder.stop()
    expect(JSON.parse(readFileSync(join(out, 'echo.json'), 'utf8'))).toEqual({ note: 'token [REDACTED] inside', id: 1 })

    const dead = createRecorder({ target: 'http://127.0.0.1:9', spec: TICKETS_SPEC, out: outDir() })
    recorders.push(dead)
    const response = await fetch(`${await dead.start()}/v2/me`)
    expect(response.status).toBe(502)
    expect(((await response.json()) as any).error).toMatch(/^recorder: could not reach http:\/\/127\.0\.0\.1:9\/v2\/me/)
  })
})
