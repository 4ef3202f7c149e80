// bench/hl7: HL7 v2 batch files parsed and synced into DuckDB by the hl7-v2 connector, next
// to a reference measured in the same run: the same files read and cut at each MSH segment,
// nothing else. Each measurement runs in its own child process (peak RSS from /proc).
//
//   node --conditions=@lakeflow/source bench/hl7/hl7.bench.ts [--messages 1000000] [--files 100]
//        [--tables messages] [--tables msh,pid,pv1,obx,messages] [--keep <dir>]
import { type ChildProcess, spawn } from 'node:child_process'
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { watchPeak } from '../peak-rss.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    dir: { type: 'string' },
    messages: { type: 'string', default: '1000000' },
    files: { type: 'string', default: '100' },
    tables: { type: 'string', multiple: true },
    keep: { type: 'string' },
    'memory-limit': { type: 'string', default: '1GB' },
  },
})

/** One synthetic ORU^R01 of about 1 KB: PID, PV1, an order, six results and a note. */
function message(index: number): string {
  const id = `B${String(index).padStart(9, '0')}`
  const results = [
    ['718-7^Hemoglobin^LN', '13.2', 'g/dL', '12.0-16.0'],
    ['6690-2^Leukocytes^LN', '7.4', '10*3/uL', '4.0-11.0'],
    ['777-3^Platelets^LN', '250', '10*3/uL', '150-400'],
    ['2951-2^Sodium^LN', '139', 'mmol/L', '135-145'],
    ['2823-3^Potassium^LN', '4.1', 'mmol/L', '3.5-5.1'],
    ['2160-0^Creatinine^LN', '0.9', 'mg/dL', '0.6-1.2'],
  ]
  return [
    `MSH|^~\\&|LABSYS^2.16.840.1.113883.3.72^ISO|NORTHGATE|EHR|NORTHGATE|20240105083000-0500||ORU^R01^ORU_R01|${id}|P|2.5.1|||AL|NE|GBR|UNICODE UTF-8`,
    `PID|1||${100_000 + (index % 50_000)}^^^NORTHGATE^MR||Okafor^Ada^M^^Dr||19790412|F||2106-3^White^CDCREC|12 Harbour Rd^^Leeds^^LS1 4AB^GBR^H`,
    'PV1|1|O|LAB^1^A^NORTHGATE||||4521^Mensah^Kofi^^^Dr|||LAB',
    `ORC|RE|ORD${id}^EHR|FIL${id}^LABSYS||CM`,
    `OBR|1|ORD${id}^EHR|FIL${id}^LABSYS|58410-2^CBC and chemistry^LN|||20240105070000|||||||||4521^Mensah^Kofi||||||20240105080000|||F`,
    ...results.map(
      ([code, value, units, range], at) =>
        `OBX|${at + 1}|NM|${code}||${value}|${units}|${range}|N|||F|||20240105075500`,
    ),
    'NTE|1|L|Specimen received in good condition.',
  ].join('\r')
}

/** Writes `count` messages into `files` batch files (FHS/BHS … BTS/FTS), streaming. */
function generate(directory: string, count: number, files: number): number {
  mkdirSync(directory, { recursive: true })
  let bytes = 0
  const perFile = Math.ceil(count / files)
  for (let file = 0; file < files; file++) {
    const first = file * perFile
    const last = Math.min(count, first + perFile)
    const target = path.join(directory, `batch-${String(file).padStart(4, '0')}.hl7`)
    const parts = [`FHS|^~\\&|LABSYS|NORTHGATE\rBHS|^~\\&|LABSYS|NORTHGATE\r`]
    for (let index = first; index < last; index++) parts.push(`${message(index)}\r`)
    parts.push(`BTS|${last - first}\rFTS|1\r`)
    const content = parts.join('')
    writeFileSync(target, content)
    bytes += Buffer.byteLength(content)
  }
  return bytes
}

/** Reference: read every file in chunks and count lines starting with MSH (no decoding, no parsing). */
async function reference(directory: string): Promise<{ messages: number }> {
  let messages = 0
  const msh = Buffer.from('\rMSH|')
  for (const name of readdirSync(directory)
    .filter((file) => file.endsWith('.hl7'))
    .sort()) {
    let tail: Buffer = Buffer.alloc(0)
    for await (const chunk of createReadStream(path.join(directory, name), { highWaterMark: 64 * 1024 })) {
      const buffer = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer)
      let at = buffer.indexOf(msh)
      while (at !== -1) {
        messages++
        at = buffer.indexOf(msh, at + 1)
      }
      tail = buffer.subarray(Math.max(0, buffer.length - (msh.length - 1)))
    }
  }
  return { messages }
}

/** Parse only: the connector's read of a table (split, decode, parse, rows), nothing written. */
async function parseOnly(directory: string, table: string): Promise<{ messages: number; rows: number }> {
  const { connector } = await import('../../connectors/hl7-v2/src/index.ts')
  const state = mkdtempSync(path.join(tmpdir(), 'hl7-bench-state-'))
  try {
    const instance = connector.create({
      source_type: 'volume',
      volume_path: directory,
      file_glob: '*.hl7',
      state_path: state,
    })
    let rows = 0
    const read = instance.readTable(table, {}, {})
    for (;;) {
      const step = await read.next()
      if (step.done) return { messages: Number(step.value?.units ?? 0), rows }
      rows++
    }
  } finally {
    rmSync(state, { recursive: true, force: true })
  }
}

/** The whole sync: the pipeline runner reading the tables into a DuckDB file. */
async function sync(
  directory: string,
  tables: string[],
  memoryLimit: string,
): Promise<{ messages: number; rows: number }> {
  const { connector } = await import('../../connectors/hl7-v2/src/index.ts')
  const { DuckDbDestination, parsePipelineSpecText, runPipeline } = await import('../../packages/pipeline/src/index.ts')
  const work = mkdtempSync(path.join(tmpdir(), 'hl7-bench-sync-'))
  try {
    const spec = `connection_name: bench\nobjects:\n${tables.map((table) => `  - table: { source_table: ${table} }`).join('\n')}\n`
    const destination = new DuckDbDestination({ file: path.join(work, 'hl7.duckdb'), memoryLimit })
    const report = await runPipeline({
      spec: parsePipelineSpecText(spec, 'bench.yaml'),
      pipeline: 'hl7-bench',
      connector,
      connectorOptions: {
        source_type: 'volume',
        volume_path: directory,
        file_glob: '*.hl7',
        state_path: path.join(work, 'state'),
      },
      destination,
    }).finally(() => destination.close())
    const failed = report.tables.filter((table) => table.status !== 'succeeded')
    if (failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(failed)}`)
    const messages =
      report.tables.find((table) => table.sourceTable === 'messages' || table.sourceTable === 'msh')?.rows ?? 0
    return { messages, rows: report.tables.reduce((sum, table) => sum + table.rows, 0) }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function child(args: string[]): Promise<{ result: Record<string, number>; seconds: number; peakMb: number }> {
  const started = performance.now()
  const process_: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning', fileURLToPath(import.meta.url), ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const stop = watchPeak(process_.pid!)
  let out = ''
  process_.stdout!.on('data', (chunk) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => process_.on('close', resolve))
  const peakMb = stop()
  if (code !== 0) throw new Error(`bench child ${args.join(' ')} exited with ${code}: ${out.slice(-400)}`)
  return { result: JSON.parse(out.trim().split('\n').at(-1)!), seconds: (performance.now() - started) / 1000, peakMb }
}

async function bench(): Promise<void> {
  const count = Number(values.messages)
  const files = Number(values.files)
  const directory = values.keep ?? mkdtempSync(path.join(tmpdir(), 'hl7-bench-files-'))
  const generatedAt = performance.now()
  const present = existsSync(directory) && readdirSync(directory).some((name) => name.endsWith('.hl7'))
  if (!present) generate(directory, count, files)
  const bytes = readdirSync(directory).reduce((sum, name) => sum + statSync(path.join(directory, name)).size, 0)
  console.error(
    `${files} files, ${count.toLocaleString('en')} messages, ${(bytes / 1e6).toFixed(0)} MB (${(bytes / count).toFixed(0)} B/message)${present ? ' (kept)' : `, generated in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`}; load average ${loadavg()[0]!.toFixed(1)}`,
  )
  const configurations = values.tables?.length ? values.tables : ['messages', 'msh,pid,pv1,obx,messages']
  const rows: string[][] = []
  const add = (name: string, messages: number, seconds: number, peakMb: number, extra = '') =>
    rows.push([
      name,
      messages.toLocaleString('en'),
      seconds.toFixed(1),
      Math.round(messages / seconds).toLocaleString('en'),
      (bytes / 1e6 / seconds).toFixed(1),
      peakMb.toFixed(0),
      extra,
    ])
  try {
    const measuredReference = await child(['--role', 'reference', '--dir', directory])
    add(
      'reference: read + split on MSH',
      measuredReference.result.messages!,
      measuredReference.seconds,
      measuredReference.peakMb,
    )
    const parsed = await child(['--role', 'parse', '--dir', directory, '--tables', 'messages'])
    add('parse: split, decode, parse (messages table, no sink)', parsed.result.messages!, parsed.seconds, parsed.peakMb)
    for (const tables of configurations) {
      const synced = await child([
        '--role',
        'sync',
        '--dir',
        directory,
        '--tables',
        tables,
        '--memory-limit',
        values['memory-limit']!,
      ])
      add(
        `sync into DuckDB: ${tables}`,
        synced.result.messages!,
        synced.seconds,
        synced.peakMb,
        `${synced.result.rows!.toLocaleString('en')} rows`,
      )
    }
  } finally {
    if (!values.keep) rmSync(directory, { recursive: true, force: true })
  }
  const header = ['run', 'messages', 'seconds', 'messages/s', 'MB/s of files', 'peak RSS MB', 'rows written']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  console.log([line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n'))
  console.log(
    `\nload average after: ${loadavg()[0]!.toFixed(1)} (2 cores, shared); each run in its own process; messages/s counts each message once however many tables it feeds`,
  )
}

switch (values.role) {
  case 'reference':
    console.log(JSON.stringify(await reference(values.dir!)))
    break
  case 'parse':
    console.log(JSON.stringify(await parseOnly(values.dir!, values.tables?.[0] ?? 'messages')))
    break
  case 'sync':
    console.log(
      JSON.stringify(await sync(values.dir!, (values.tables?.[0] ?? 'messages').split(','), values['memory-limit']!)),
    )
    break
  default:
    await bench()
}
