// bench/kafka: a 4-partition topic of ~1 KB messages on a local Apache Kafka broker, synced
// into DuckDB by a real `lakeflow sync` child, against the Kafka client consuming the same
// topic to nowhere in the same run. Prints messages/s, MB/s and peak RSS (VmHWM) per run.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createTopic, produce, startKafkaBroker } from '../../packages/test-services/src/index.ts'
import { watchPeak } from '../peak-rss.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const NODE_FLAGS = ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning']
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    'value-bytes': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '1' },
    'value-format': { type: 'string', default: 'text' },
    'max-offsets-per-trigger': { type: 'string' },
  },
})
const MESSAGES = Number(values.messages)
const VALUE_BYTES = Number(values['value-bytes'])
const TOPIC = 'bench'

interface Measured {
  run: string
  messages: number
  seconds: number
  peakRssMb: number
}

async function runChild(script: string, args: string[], cwd = root): Promise<{ out: string; peakRssMb: number }> {
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, script, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const stop = watchPeak(child.pid!)
  let out = ''
  child.stdout!.on('data', (chunk) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const peakRssMb = stop()
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${out.slice(-800)}`)
  return { out, peakRssMb }
}

async function produceTopic(bootstrap: string): Promise<number> {
  await createTopic(bootstrap, TOPIC, 4)
  const filler = 'x'.repeat(Math.max(0, VALUE_BYTES - 80))
  const started = performance.now()
  for (let sent = 0; sent < MESSAGES; sent += 20_000) {
    const count = Math.min(20_000, MESSAGES - sent)
    await produce(
      bootstrap,
      TOPIC,
      Array.from({ length: count }, (_, index) => {
        const id = sent + index
        return {
          partition: id % 4,
          key: `user-${id % 1000}`,
          value: JSON.stringify({ id, user: `user-${id % 1000}`, at: 1_700_000_000_000 + id, body: filler }),
        }
      }),
    )
  }
  return (performance.now() - started) / 1000
}

async function reference(bootstrap: string): Promise<Measured> {
  const { out, peakRssMb } = await runChild(path.join(here, 'consume-reference.ts'), [
    bootstrap,
    TOPIC,
    String(MESSAGES),
  ])
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as { messages: number; seconds: number }
  return { run: 'client consume to nowhere (reference)', messages: result.messages, seconds: result.seconds, peakRssMb }
}

async function connectorRead(bootstrap: string): Promise<Measured> {
  const { out, peakRssMb } = await runChild(path.join(here, 'connector-read.ts'), [
    bootstrap,
    TOPIC,
    values['value-format']!,
  ])
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as { messages: number; seconds: number }
  return { run: 'connector readTable, no destination', messages: result.messages, seconds: result.seconds, peakRssMb }
}

async function sync(bootstrap: string): Promise<Measured> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-bench-kafka-'))
  try {
    writeFileSync(
      path.join(dir, 'lakeflow.connections.yaml'),
      `connections:\n  bench:\n    connector: ${path.join(root, 'connectors/kafka/src/index.ts')}\n    options:\n      bootstrap_servers: ${bootstrap}\n      topics: ${TOPIC}\n`,
    )
    writeFileSync(
      path.join(dir, 'bench.yaml'),
      JSON.stringify({
        connection_name: 'bench',
        objects: [
          {
            table: {
              source_table: TOPIC,
              table_configuration: {
                value_format: values['value-format'],
                ...(values['max-offsets-per-trigger']
                  ? { maxOffsetsPerTrigger: values['max-offsets-per-trigger'] }
                  : {}),
              },
            },
          },
        ],
      }),
    )
    const { out, peakRssMb } = await runChild(
      path.join(root, 'packages/cli/src/bin.ts'),
      ['sync', 'bench.yaml', '--dest', 'bench.duckdb', '--json'],
      dir,
    )
    const finished = JSON.parse(out.trim().split('\n').at(-1)!) as {
      report: { durationMs: number; tables: { rows: number; status: string }[] }
    }
    const table = finished.report.tables[0]!
    if (table.status !== 'succeeded') throw new Error(`sync failed: ${out.slice(-800)}`)
    return {
      run: 'lakeflow sync into DuckDB',
      messages: table.rows,
      seconds: finished.report.durationMs / 1000,
      peakRssMb,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

const brokerStarted = performance.now()
const broker = await startKafkaBroker({ jit: 'throughput', heapMb: 512 })
try {
  process.stderr.write(`broker up in ${((performance.now() - brokerStarted) / 1000).toFixed(1)} s\n`)
  const produceSeconds = await produceTopic(broker.bootstrap)
  process.stderr.write(`produced ${MESSAGES} messages of ~${VALUE_BYTES} B in ${produceSeconds.toFixed(1)} s\n`)
  const results: Measured[] = []
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const runner of [reference, sync, connectorRead]) {
      const measured = await runner(broker.bootstrap)
      if (measured.messages !== MESSAGES)
        throw new Error(`${measured.run} saw ${measured.messages} of ${MESSAGES} messages`)
      process.stderr.write(
        `round ${round + 1}: ${measured.run}: ${Math.round(measured.messages / measured.seconds)} msg/s, peak RSS ${measured.peakRssMb.toFixed(0)} MB, load ${loadavg()[0]!.toFixed(1)}\n`,
      )
      results.push(measured)
    }
  }
  const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
  const runs = [...new Set(results.map((result) => result.run))]
  const rate = (run: string) =>
    median(results.filter((result) => result.run === run).map((result) => result.messages / result.seconds))
  const referenceRate = rate(runs[0]!)
  console.log(
    `\n${MESSAGES.toLocaleString('en')} messages of ~${VALUE_BYTES} B, 4 partitions, value_format ${values['value-format']}, ${values.rounds} round(s), medians\n\n${table(
      ['run', 'messages/s', 'MB/s', 'peak RSS MB', '% of reference'],
      runs.map((run) => [
        run,
        Math.round(rate(run)).toLocaleString('en'),
        ((rate(run) * VALUE_BYTES) / 1e6).toFixed(1),
        median(results.filter((result) => result.run === run).map((result) => result.peakRssMb)).toFixed(0),
        `${Math.round((100 * rate(run)) / referenceRate)}%`,
      ]),
    )}`,
  )
} finally {
  await broker.stop()
}
