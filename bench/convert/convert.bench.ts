// Benchmark: the compiled converter against a plain recursive converter, on GitHub-issue
// records, and the runner's check for fields the schema lacks (done before converting a
// record) on its own: as it runs (sampled) and applied to every record. Each measurement runs
// in a fresh child process (so peak RSS is per variant), alternating the variants for several
// rounds; the table shows medians.
//
//   node --conditions=@lakeflow/source bench/convert/convert.bench.ts [--records 2000] [--seconds 2] [--rounds 3]
import { spawnSync } from 'node:child_process'
import { isDeepStrictEqual } from 'node:util'
import { compileConverter } from '../../packages/core/src/convert/index.ts'
import { UnknownFields } from '../../packages/pipeline/src/run/unknown-fields.ts'
import { issueSchema, makeIssues } from './issues.ts'
import { plainConverter } from './plain-converter.ts'

const VARIANTS = ['plain', 'compiled', 'unknown-field check'] as const
type Variant = (typeof VARIANTS)[number]

interface Measurement {
  variant: Variant
  records: number
  seconds: number
  bytes: number
  peakRssBytes: number
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

function runChild(variant: Variant, recordCount: number, seconds: number): Measurement {
  // Records as they arrive from a source: parsed from JSON text.
  const text = JSON.stringify(makeIssues(recordCount))
  const records = JSON.parse(text) as Record<string, unknown>[]
  const bytesPerPass = Buffer.byteLength(text) - 2 - (recordCount - 1) // without the list's brackets and commas
  const compiled = compileConverter(issueSchema, { table: 'issues' })
  // The runner's unknown-field check, alone: it returns the record's id so the loop below keeps it.
  const unknown = new UnknownFields(issueSchema)
  const check = (record: Record<string, unknown>) => {
    unknown.check(record)
    return { id: record.id as number, labels: null }
  }
  const convert =
    variant === 'plain' ? plainConverter(issueSchema, 'issues') : variant === 'compiled' ? compiled : check
  // Both converters must agree before their speed means anything.
  const reference = plainConverter(issueSchema, 'issues')
  for (const record of variant === 'unknown-field check' ? [] : records.slice(0, 200)) {
    if (!isDeepStrictEqual(convert(record), reference(record))) throw new Error('the converters disagree')
  }
  let sink = 0
  const pass = () => {
    for (let index = 0; index < records.length; index++) {
      const row = convert(records[index]!) as { id: number; labels: unknown[] | null }
      sink += row.id + (row.labels === null ? 0 : row.labels.length)
    }
  }
  const warmUpEnd = performance.now() + Math.min(1000, seconds * 500)
  while (performance.now() < warmUpEnd) pass()
  let passes = 0
  const start = performance.now()
  const end = start + seconds * 1000
  while (performance.now() < end) {
    pass()
    passes++
  }
  const elapsed = (performance.now() - start) / 1000
  if (sink === 0) throw new Error('unreachable: keeps the conversions observable')
  return {
    variant,
    records: passes * records.length,
    seconds: elapsed,
    bytes: passes * bytesPerPass,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function main(): void {
  const recordCount = option('records', 2_000)
  const seconds = option('seconds', 2)
  const rounds = option('rounds', 3)
  const childIndex = process.argv.indexOf('--child')
  if (childIndex >= 0) {
    const variant = process.argv[childIndex + 1] as Variant
    process.stdout.write(JSON.stringify(runChild(variant, recordCount, seconds)))
    return
  }
  const results: Measurement[] = []
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          process.argv[1]!,
          '--child',
          variant,
          '--records',
          String(recordCount),
          '--seconds',
          String(seconds),
        ],
        { encoding: 'utf8' },
      )
      if (child.status !== 0) throw new Error(`benchmark child failed: ${child.stderr}`)
      results.push(JSON.parse(child.stdout) as Measurement)
    }
  }
  const sample = JSON.stringify(makeIssues(200))
  const meanBytes = (Buffer.byteLength(sample) - 2 - 199) / 200
  console.log(
    `convert: ${recordCount} GitHub-issue records (mean ${Math.round(meanBytes)} B of JSON), ${rounds} rounds × ${seconds} s per converter, one core, median of rounds, Node ${process.version}`,
  )
  const rows = VARIANTS.map((variant) => {
    const mine = results.filter((result) => result.variant === variant)
    return {
      variant,
      recordsPerSecond: median(mine.map((result) => result.records / result.seconds)),
      megabytesPerSecond: median(mine.map((result) => result.bytes / result.seconds / 1e6)),
      peakRss: median(mine.map((result) => result.peakRssBytes / 2 ** 20)),
    }
  })
  const plainRate = rows[0]!.recordsPerSecond
  const header = ['converter', 'records/s', 'MB/s', 'ns/record', 'ratio', 'peak RSS']
  const table = rows.map((row) => [
    row.variant,
    Math.round(row.recordsPerSecond).toLocaleString('en-US'),
    row.megabytesPerSecond.toFixed(0),
    (1e9 / row.recordsPerSecond).toFixed(0),
    `${(row.recordsPerSecond / plainRate).toFixed(2)}×`,
    `${row.peakRss.toFixed(0)} MB`,
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`
  console.log(line(header))
  console.log(
    `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
  )
  for (const cells of table) console.log(line(cells))
}

main()
