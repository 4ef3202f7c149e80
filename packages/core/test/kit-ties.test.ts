/**
 * The cursor engine at a tie, against the simulator: 10 records, 8 of them sharing one
 * cursor value, read 5 per call. Every strategy must read all 10 exactly once across
 * calls — the case that loses records when a batch ends inside the group and the next call
 * starts after its value.
 */
import { describe, expect, it } from 'vitest'
import { collectRead, createTableConnector, type LakeflowConnector, type Offset } from '../src/connector/index.ts'
import { type IncrementalDeclaration, localClock, restTable } from '../src/kit/index.ts'
import { Spark } from '../src/schema/index.ts'
import { itemsEndpoint, startKitSimulator } from './support/kit-simulator.ts'

const T0 = '2024-05-01T00:00:00.000Z'
const T1 = '2024-05-01T00:00:01.000Z'
const T2 = '2024-05-01T00:00:02.000Z'
/** id 1 at T0, ids 2–9 at T1, id 10 at T2. */
const ITEMS = Array.from({ length: 10 }, (_, index) => ({
  id: index + 1,
  name: `item ${index + 1}`,
  updated_at: index === 0 ? T0 : index === 9 ? T2 : T1,
}))

const spec = {
  corpora: { items: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso_millis' as const } },
  endpoints: [itemsEndpoint('/items', 'items')],
}

async function connectorFor(incremental: IncrementalDeclaration<Record<string, unknown>>) {
  const { context, simulator } = await startKitSimulator(spec, { items: ITEMS }, () =>
    localClock(new Date('2024-06-01T00:00:00Z')),
  )
  const items = restTable({
    name: 'items',
    schema: Spark.table({ id: Spark.long({ nullable: false }), name: Spark.string(), updated_at: Spark.timestamp() }),
    metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
    request: { path: '/items' },
    records: 'data',
    paginator: { type: 'page_number', nextPage: 'next_page', size: 3, sizeParam: 'limit' },
    incremental: { format: 'iso-ms', batch: () => 5, ...incremental },
  })
  return { connector: createTableConnector({ name: 'kit-test', context, tables: [items] }), simulator }
}

/** Reads until the offset stops moving; returns the ids of every call. */
async function readCalls(connector: LakeflowConnector): Promise<{ calls: number[][]; offsets: Offset[] }> {
  const calls: number[][] = []
  const offsets: Offset[] = []
  let offset: Offset | null = {}
  for (let call = 0; call < 20; call++) {
    const result = await collectRead(connector.readTable('items', offset, {}))
    calls.push(result.records.map((record) => record.id as number))
    offsets.push(result.offset as Offset)
    if (JSON.stringify(result.offset) === JSON.stringify(offset)) return { calls, offsets }
    offset = result.offset as Offset
  }
  throw new Error('no fixed point in 20 calls')
}

const ALL = ITEMS.map((item) => item.id)

describe('10 records, 8 sharing one cursor value, 5 per call', () => {
  it('finishing the group: the call that reaches 5 reads the rest of the group, then stops', async () => {
    const { connector } = await connectorFor({ since: { param: 'since' }, until: { param: 'until' } })
    const { calls, offsets } = await readCalls(connector)
    expect(calls.flat().sort((left, right) => left - right)).toEqual(ALL)
    expect(calls[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(offsets[0]).toEqual({ cursor: T1 })
  })

  it('remembering ids with an inclusive since: calls stop at exactly 5, the next skips the ids it lists', async () => {
    const { connector } = await connectorFor({
      since: { param: 'from', inclusive: true },
      until: { param: 'until' },
      ties: { remember: (record) => String(record.id) },
    })
    const { calls, offsets } = await readCalls(connector)
    expect(calls.flat()).toEqual(ALL)
    expect(calls.slice(0, 2)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ])
    expect(offsets[0]).toEqual({ cursor: T1, seen: '2,3,4,5' })
    expect(offsets[1]).toEqual({ cursor: T2, seen: '10' })
  })

  it('remembering ids with an exclusive since: asks from just before the value, same result', async () => {
    const { connector, simulator } = await connectorFor({
      since: { param: 'since' },
      until: { param: 'until' },
      ties: {}, // ids from the primary key
    })
    const { calls } = await readCalls(connector)
    expect(calls.flat()).toEqual(ALL)
    expect(calls[0]).toEqual([1, 2, 3, 4, 5])
    const second = simulator.requests.find((request) => request.query.since !== undefined)
    expect(second?.query.since).toBe('2024-05-01T00:00:00.999Z')
  })

  it('remembering ids but finishing groups (a source with late writes at the cap second)', async () => {
    const { connector } = await connectorFor({
      since: { param: 'from', inclusive: true },
      until: { param: 'until' },
      ties: { finishGroup: true },
    })
    const { calls, offsets } = await readCalls(connector)
    expect(calls.flat()).toEqual(ALL)
    expect(calls[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(offsets[0]).toEqual({ cursor: T1, seen: '2,3,4,5,6,7,8,9' })
  })

  it('without any tie handling the group would be split: a batch end inside it loses records', async () => {
    // The control: a hand-rolled "stop at 5, resume after the last cursor" read loses ids 6–9.
    const { connector } = await connectorFor({ since: { param: 'since' }, until: { param: 'until' } })
    const first = await collectRead(connector.readTable('items', {}, {}), 5)
    const naive = { cursor: String(first.records.at(-1)!.updated_at) }
    const rest = await readCalls(
      createTableConnector({
        name: 'naive',
        context: null,
        tables: [
          {
            name: 'items',
            schema: Spark.table({ id: Spark.long() }),
            metadata: { ingestion_type: 'append' },
            read: () => connector.readTable('items', naive, {}),
          },
        ],
      }),
    )
    expect(new Set([...first.records.map((record) => record.id), ...rest.calls.flat()]).size).toBe(6)
  })
})
