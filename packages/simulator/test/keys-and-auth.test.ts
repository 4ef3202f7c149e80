import { apiKeyAuth, createHttpClient } from '@lakeflow/core/http'
import { describe, expect, it } from 'vitest'
import type { SourceSpec } from '../src/types.ts'
import { getJson, startSimulator } from './helpers.ts'

const people = Array.from({ length: 9 }, (_, index) => ({
  UserName: `user${index}`,
  'odata.type': index % 2 ? 'Person' : 'Employee',
  Age: 20 + index,
}))

describe('keys with a literal dot (OData style)', () => {
  const spec: SourceSpec = {
    endpoints: [
      {
        path: '/odata/People',
        method: 'GET',
        corpus: 'people',
        response: {
          pagination_style: 'next_url',
          wrapper: {
            records_key: 'value',
            next_url_key: '@odata\\.nextLink',
            total_key: '@odata\\.count',
            extras: { '@odata.context': 'https://example.test/odata/$metadata#People' },
          },
        },
        params: {
          $skip: { role: 'offset' },
          $top: { role: 'limit', default: 4, max: 4 },
          type: { role: 'filter', field: 'odata\\.type', op: 'eq' },
        },
      },
    ],
    corpora: { people: { primary_key: ['UserName'] } },
  }

  it('next link and count sit under their dotted names, not nested; the next link pages through all', async () => {
    const { url } = await startSimulator({ spec, corpus: { people } })
    const first = await getJson(`${url}/odata/People`)
    expect(Object.keys(first.body).sort()).toEqual(['@odata.context', '@odata.count', '@odata.nextLink', 'value'])
    expect(first.body['@odata.count']).toBe(9)
    const seen: string[] = []
    let next: string | null = `${url}/odata/People`
    while (next) {
      const { body } = await getJson(next)
      seen.push(...body.value.map((person: { UserName: string }) => person.UserName))
      next = body['@odata.nextLink']
    }
    expect(seen).toEqual(people.map((person) => person.UserName))
  })

  it('a filter field with an escaped dot reads the literal key', async () => {
    const { url } = await startSimulator({ spec, corpus: { people } })
    const { body } = await getJson(`${url}/odata/People?type=Person`)
    expect(body['@odata.count']).toBe(4)
    expect(body.value.map((person: { Age: number }) => person.Age)).toEqual([21, 23, 25, 27])
  })
})

describe('an API key in the query', () => {
  const spec: SourceSpec = {
    endpoints: [
      {
        path: '/youtube/v3/videos',
        method: 'GET',
        corpus: 'people',
        auth: { query: 'key', value: 'AIza-simulated-key' },
        strict_params: true,
        params: { maxResults: { role: 'limit' } },
      },
    ],
  }

  it('missing or wrong: 401 naming the parameter; right: served (and strict_params knows the key)', async () => {
    const { url } = await startSimulator({ spec, corpus: { people } })
    const missing = await getJson(`${url}/youtube/v3/videos`)
    expect(missing.status).toBe(401)
    expect(missing.body).toEqual({ error: 'unauthorized', message: 'missing key query parameter', status: 401 })
    expect((await getJson(`${url}/youtube/v3/videos?key=nope`)).body.message).toBe('invalid key query parameter')
    const ok = await getJson(`${url}/youtube/v3/videos?key=AIza-simulated-key&maxResults=2`)
    expect(ok.status).toBe(200)
    expect(ok.body).toHaveLength(9)
  })

  it('core’s apiKeyAuth({ query }) is accepted', async () => {
    const { url, simulator } = await startSimulator({ spec, corpus: { people } })
    const client = createHttpClient({ baseUrl: url, auth: apiKeyAuth('AIza-simulated-key', { query: 'key' }) })
    const { data, url: shown } = await client.getJson<unknown[]>('/youtube/v3/videos')
    expect(data).toHaveLength(9)
    expect(shown).not.toContain('AIza')
    expect(simulator.requests.at(-1)!.query.key).toBe('AIza-simulated-key')
  })
})
