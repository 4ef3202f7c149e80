import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSimulator, SimulatorSpecError } from '../src/index.ts'
import { getJson, startSimulator } from './helpers.ts'

/** Writes an endpoints.yaml and a corpus folder; returns their paths. */
function source(yaml: string, corpus: Record<string, unknown>): { spec: string; corpus: string } {
  const dir = mkdtempSync(join(tmpdir(), 'simulator-compat-'))
  mkdirSync(join(dir, 'corpus'))
  writeFileSync(join(dir, 'endpoints.yaml'), yaml)
  for (const [name, value] of Object.entries(corpus))
    writeFileSync(join(dir, 'corpus', `${name}.json`), JSON.stringify(value))
  return { spec: join(dir, 'endpoints.yaml'), corpus: join(dir, 'corpus') }
}

const WITH_HANDLER = `
endpoints:
  - path: /oauth/token
    method: POST
    handler: vendor_pkg.handlers:issue_token
  - path: /v1/items
    method: GET
    corpus: items
`

describe('specs written for the Python simulator', () => {
  it('a handler endpoint loads; a request to it is a 501 naming the endpoint and the handler', async () => {
    const { simulator, url } = await startSimulator(source(WITH_HANDLER, { items: [{ id: 1 }] }))
    expect((await getJson(`${url}/v1/items`)).body).toEqual([{ id: 1 }])
    const { status, body } = await getJson(`${url}/oauth/token`)
    expect(status).toBe(404) // a GET: no endpoint matches
    expect(body.closest).toContain('POST /oauth/token')
    const post = await fetch(`${url}/oauth/token`, { method: 'POST', body: 'grant_type=client_credentials' })
    expect(post.status).toBe(501)
    expect(await post.json()).toEqual({
      error:
        'endpoints[0] (POST /oauth/token) is served by the Python handler "vendor_pkg.handlers:issue_token", which cannot run in this simulator; describe the endpoint with params and response instead',
      status: 501,
      endpoint: 'POST /oauth/token',
      handler: 'vendor_pkg.handlers:issue_token',
    })
    const coverage = simulator.coverage()
    expect(coverage.unsupported.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'POST /oauth/token 501',
    ])
    expect(coverage.unmatched).toHaveLength(1)
  })

  it('a handler endpoint’s corpus is neither needed nor checked', () => {
    const yaml = `endpoints:\n  - path: /fhir/Patient\n    method: GET\n    corpus: patients_bundle\n    handler: pkg.fhir:search\n`
    expect(() => createSimulator(source(yaml, {}))).not.toThrow()
  })

  const MISSING = `
endpoints:
  - path: /api/v1/holidays
    method: GET
    corpus: holidays
  - path: /api/v1/settings
    method: GET
    corpus: settings
    response: {single_entity: true}
  - path: /api/v1/users
    method: GET
    corpus: users
  - path: /api/v1/users
    method: GET
    corpus: users_v2
`

  it('strict loading (the default) names a missing corpus and a shadowed endpoint', () => {
    let caught: unknown
    try {
      createSimulator(source(MISSING, { users: [{ id: 1 }], users_v2: [{ id: 2 }] }))
    } catch (error) {
      caught = error
    }
    expect(SimulatorSpecError.isInstance(caught)).toBe(true)
    const messages = (caught as SimulatorSpecError).issues.map((issue) => `${issue.path}: ${issue.message}`)
    expect(messages).toEqual([
      'endpoints[3]: duplicate of endpoints[2]; the first matching endpoint always wins, so this one is never used',
    ])
    const missing = source(
      MISSING.replace(/ {2}- path: \/api\/v1\/users\n {4}method: GET\n {4}corpus: users_v2\n/, ''),
      { users: [] },
    )
    expect(() => createSimulator(missing)).toThrow(
      /endpoints\[0\]\.corpus \(GET \/api\/v1\/holidays\): corpus "holidays" not found: expected .*holidays\.json/,
    )
  })

  it('lenient loading serves a missing corpus empty, keeps the first of two endpoints, and warns', async () => {
    const { simulator, url } = await startSimulator({
      ...source(MISSING, { users: [{ id: 1 }], users_v2: [{ id: 2 }] }),
      lenient: true,
    })
    expect((await getJson(`${url}/api/v1/holidays`)).body).toEqual([])
    expect((await getJson(`${url}/api/v1/settings`)).body).toEqual({})
    expect((await getJson(`${url}/api/v1/users`)).body).toEqual([{ id: 1 }])
    expect(simulator.warnings.map((warning) => warning.replace(/^.*?endpoints\.yaml: /, ''))).toEqual([
      'endpoints[3] (GET /api/v1/users): duplicate of endpoints[2]; the first matching endpoint always wins, so this one is never used',
      expect.stringMatching(
        /^endpoints\[0\]\.corpus \(GET \/api\/v1\/holidays\): corpus "holidays" not found: .*; served empty$/,
      ),
      expect.stringMatching(
        /^endpoints\[1\]\.corpus \(GET \/api\/v1\/settings\): corpus "settings" not found: .*; served empty$/,
      ),
    ])
  })

  it('a text corpus is served as it is; a single entity without a corpus is {}', async () => {
    const yaml = `
endpoints:
  - path: /api/2.0/export
    method: GET
    corpus: export_text
    response: {single_entity: true}
  - path: /api/health
    method: GET
    response: {single_entity: true}
`
    const ndjson = '{"event":"a"}\n{"event":"b"}\n'
    const { url } = await startSimulator(source(yaml, { export_text: ndjson }))
    const exported = await fetch(`${url}/api/2.0/export`)
    expect(exported.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await exported.text()).toBe(ndjson)
    expect((await getJson(`${url}/api/health`)).body).toEqual({})
  })
})

describe('a single entity over a list corpus picks its record by the path placeholder’s name', () => {
  const surveys = [
    { id: '401', title: 'Onboarding' },
    { id: '402', title: 'Exit interview' },
  ]
  const pages = [
    { page_id: 'p1', survey: '401', title: 'Intro' },
    { page_id: 'p2', survey: '402', title: 'Reasons' },
  ]
  const yaml = `
endpoints:
  - path: /v3/surveys/{survey_id}/details
    method: GET
    corpus: surveys
    response: {single_entity: true}
  - path: /v3/pages/{page_id}
    method: GET
    corpus: pages
    response: {single_entity: true}
  - path: /v3/groups/{group_id}/summary
    method: GET
    corpus: surveys
    response: {single_entity: true}
`

  it('{survey_id} over surveys: the primary key; {page_id} where records have page_id: that field; else the list', async () => {
    const { url } = await startSimulator(source(yaml, { surveys, pages }))
    expect((await getJson(`${url}/v3/surveys/402/details`)).body).toEqual({ id: '402', title: 'Exit interview' })
    const missing = await getJson(`${url}/v3/surveys/999/details`)
    expect(missing.status).toBe(404)
    expect((await getJson(`${url}/v3/pages/p1`)).body).toEqual(pages[0])
    // `group_id` names neither a field nor this corpus: the corpus is served as it is.
    expect((await getJson(`${url}/v3/groups/7/summary`)).body).toEqual(surveys)
  })
})
