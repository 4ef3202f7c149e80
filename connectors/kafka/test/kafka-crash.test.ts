import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { seededRandom } from '@lakeflow/core/internal'
import { createTopic, type KafkaBroker, produce, startKafkaBroker } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../../../packages/cli/test/support.ts'
import { queryFile } from './support/sync.ts'

// SIGKILLs the real `lakeflow sync` while it reads a live broker, at points taken from the
// run's own events (right after its k-th committed batch, k random), reruns it after each
// kill, and checks that rows and offsets end identical to an uninterrupted run.

const KILLS = 8
const MESSAGES = 2400
const CONNECTOR = fileURLToPath(new URL('../src/index.ts', import.meta.url))
let broker: KafkaBroker
let dir: string

beforeAll(async () => {
  broker = await startKafkaBroker()
  await createTopic(broker.bootstrap, 'clicks', 4)
  await produce(
    broker.bootstrap,
    'clicks',
    Array.from({ length: MESSAGES }, (_, index) => ({
      key: `user-${index % 97}`,
      value: JSON.stringify({ click: index, page: `/p/${index % 13}` }),
      headers: { n: String(index) },
    })),
  )
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-kafka-crash-'))
  writeFileSync(
    path.join(dir, 'lakeflow.connections.yaml'),
    `connections:\n  events:\n    connector: ${CONNECTOR}\n    options:\n      bootstrap_servers: ${broker.bootstrap}\n      topics: clicks\n`,
  )
  writeFileSync(
    path.join(dir, 'pipeline.yaml'),
    JSON.stringify({
      connection_name: 'events',
      objects: [
        {
          table: { source_table: 'clicks', table_configuration: { value_format: 'json', maxOffsetsPerTrigger: '120' } },
        },
      ],
    }),
  )
})
afterAll(async () => {
  await broker?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const dump = async (file: string) => ({
  rows: await queryFile(
    file,
    'SELECT kafka_partition, kafka_offset::BIGINT::VARCHAR AS o, key, value::VARCHAR AS v, kafka_timestamp::VARCHAR AS t FROM clicks ORDER BY kafka_partition, kafka_offset',
  ),
  state: await queryFile(file, 'SELECT table_name, flow, offset_json FROM _lakeflow_state ORDER BY table_name, flow'),
})

/** Resolves after the child has printed its `count`-th batch-committed event. */
function afterCommits(run: ReturnType<typeof startCli>, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0
    let buffered = ''
    run.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) if (line.includes('"batch-committed"') && ++seen === count) resolve()
    })
  })
}

describe('exactly once under SIGKILL against a live broker', () => {
  it(`kills lakeflow sync after a random committed batch ${KILLS} times; rows and offsets equal an uninterrupted run`, async () => {
    const reference = await runCli(
      ['sync', 'pipeline.yaml', '--dest', 'reference.duckdb', '--json', '--group-commit-rows', '1'],
      { cwd: dir },
    )
    expect(reference.code, reference.stderr).toBe(0)
    const batches = (reference.stdout.match(/"batch-committed"/g) ?? []).length
    expect(batches).toBeGreaterThanOrEqual(MESSAGES / 120)
    const expected = await dump(path.join(dir, 'reference.duckdb'))
    expect(expected.rows).toHaveLength(MESSAGES)

    const random = seededRandom(15)
    let killed = 0
    for (let attempt = 0; attempt < KILLS; attempt++) {
      const run = startCli(['sync', 'pipeline.yaml', '--dest', 'crash.duckdb', '--json', '--group-commit-rows', '1'], {
        cwd: dir,
      })
      // the kill lands while the run reads or commits the batch after its k-th commit
      const target = 1 + Math.floor(random() * 3)
      void afterCommits(run, target).then(() => run.child.kill('SIGKILL'))
      const result = await run.done
      if (result.signal === 'SIGKILL') killed++
      else expect(result.code, result.stderr).toBe(0)
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2)
    const partial = await dump(path.join(dir, 'crash.duckdb'))
    expect(partial.rows.length).toBeGreaterThan(0)
    expect(partial.rows.length).toBeLessThan(MESSAGES)
    const final = await runCli(
      ['sync', 'pipeline.yaml', '--dest', 'crash.duckdb', '--json', '--group-commit-rows', '1'],
      { cwd: dir },
    )
    expect(final.code, final.stderr).toBe(0)
    const actual = await dump(path.join(dir, 'crash.duckdb'))
    expect(actual.rows).toHaveLength(MESSAGES)
    expect(actual.rows).toEqual(expected.rows)
    expect(actual.state).toEqual(expected.state)
  }, 300_000)
})
