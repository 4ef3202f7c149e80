import { gunzipSync } from 'node:zlib'
import { zipEntries } from '@lakeflow/core/formats'
import { createHttpClient } from '@lakeflow/core/http'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../src/index.ts'
import type { EndpointSpec, SourceSpec } from '../src/types.ts'
import { startSimulator } from './helpers.ts'

const events = Array.from({ length: 7 }, (_, index) => ({
  id: index + 1,
  event: index % 2 ? 'open' : 'click',
  note: index === 3 ? 'comma, "quoted"\nand a new line' : `plain ${index}`,
  time: 1_717_200_000 + index * 60,
  properties: { browser: 'Firefox' },
}))

function spec(response: EndpointSpec['response'], params: EndpointSpec['params'] = {}): SourceSpec {
  return {
    endpoints: [{ path: '/export', method: 'GET', corpus: 'events', response, params }],
    corpora: { events: { primary_key: ['id'] } },
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

describe('non-JSON bodies', () => {
  it('NDJSON: one record per line, filtered and paged like JSON', async () => {
    const { url } = await startSimulator({
      spec: spec(
        { format: 'ndjson', pagination_style: 'offset_limit' },
        {
          from: { role: 'filter', field: 'time', op: 'gte' },
          limit: { role: 'limit', default: 3 },
        },
      ),
      corpus: { events },
    })
    const response = await fetch(`${url}/export?from=${events[2]!.time}&offset=1`)
    expect(response.headers.get('content-type')).toBe('application/x-ndjson')
    const text = await response.text()
    expect(text.endsWith('\n')).toBe(true)
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([4, 5, 6])
  })

  it('CSV with a BOM, the declared columns (dotted ones too) and quoting; read back by core', async () => {
    const { url } = await startSimulator({
      spec: spec({ format: 'csv', csv: { columns: ['id', 'event', 'note', 'properties.browser'], bom: true } }),
      corpus: { events },
    })
    const raw = Buffer.from(await (await fetch(`${url}/export`)).arrayBuffer())
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(raw.toString('utf8', 3).split('\r\n')[0]).toBe('id,event,note,properties.browser')
    const { data, headers } = await createHttpClient({ baseUrl: url }).streamRecords('/export', { format: 'csv' })
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(await collect(data)).toEqual(
      events.map((event) => ({
        id: String(event.id),
        event: event.event,
        note: event.note,
        'properties.browser': 'Firefox',
      })),
    )
  })

  it('CSV columns default to the page’s top-level keys; nested values are JSON', async () => {
    const { url } = await startSimulator({ spec: spec({ format: 'csv', csv: { delimiter: ';' } }), corpus: { events } })
    const { data } = await createHttpClient({ baseUrl: url }).streamRecords<Record<string, string>>('/export', {
      format: 'csv',
      csv: { delimiter: ';' },
    })
    const records = await collect(data)
    expect(Object.keys(records[0]!)).toEqual(['id', 'event', 'note', 'time', 'properties'])
    expect(records[0]!.properties).toBe('{"browser":"Firefox"}')
  })

  it.each([
    ['Content-Encoding: gzip', { format: 'ndjson', encoding: 'gzip' }, 'ndjson'],
    ['a .gz file', { format: 'ndjson', archive: { type: 'gzip' } }, 'ndjson'],
    ['a ZIP holding CSV', { format: 'csv', archive: { type: 'zip', entry: 'export/events.csv' } }, 'csv'],
    ['a ZIP with data descriptors', { format: 'ndjson', archive: { type: 'zip', data_descriptor: true } }, 'ndjson'],
    ['a gzipped ZIP', { format: 'ndjson', archive: { type: 'zip' }, encoding: 'gzip' }, 'ndjson'],
  ] as const)('%s reads back through core’s streamRecords', async (_label, response, format) => {
    const { url } = await startSimulator({ spec: spec(response as EndpointSpec['response']), corpus: { events } })
    const { data } = await createHttpClient({ baseUrl: url }).streamRecords<{ id: string | number }>('/export', {
      format,
    })
    expect((await collect(data)).map((record) => Number(record.id))).toEqual(events.map((event) => event.id))
  })

  it('archives are what they claim: gzip magic, one named ZIP entry, JSON inside when the format is JSON', async () => {
    const { url } = await startSimulator({
      spec: {
        endpoints: [
          { path: '/gz', method: 'GET', corpus: 'events', response: { format: 'ndjson', archive: { type: 'gzip' } } },
          { path: '/zip', method: 'GET', corpus: 'events', response: { archive: { type: 'zip' } } },
        ],
      },
      corpus: { events },
    })
    const gz = await fetch(`${url}/gz`)
    expect(gz.headers.get('content-type')).toBe('application/gzip')
    expect(gz.headers.get('content-encoding')).toBeNull()
    expect(
      gunzipSync(Buffer.from(await gz.arrayBuffer()))
        .toString()
        .split('\n'),
    ).toHaveLength(8)
    const zip = await fetch(`${url}/zip`)
    expect(zip.headers.get('content-type')).toBe('application/zip')
    const names: string[] = []
    for await (const entry of zipEntries(
      (async function* () {
        yield new Uint8Array(await zip.arrayBuffer())
      })(),
    )) {
      names.push(entry.name)
      expect(JSON.parse(Buffer.concat(await collect(entry.data)).toString())).toEqual(events)
    }
    expect(names).toEqual(['events.json'])
  })

  it('a format other than JSON cannot have a wrapper; csv settings need format csv', () => {
    expect(() => createSimulatorFor({ format: 'ndjson', wrapper: { records_key: 'data' } })).toThrow(
      'endpoints[0].response.wrapper (GET /export): a ndjson body is the records themselves, one per line; a wrapper needs format json',
    )
    expect(() => createSimulatorFor({ csv: { bom: true } })).toThrow(
      'endpoints[0].response.csv (GET /export): csv settings need format csv, got json',
    )
  })
})

function createSimulatorFor(response: EndpointSpec['response']) {
  return createSimulator({ spec: spec(response), corpus: { events } })
}
