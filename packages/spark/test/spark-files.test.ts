import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { connector as hl7 } from '@lakeflow/connector-hl7-v2'
import { DuckDbDestination, parsePipelineSpecText, runPipeline } from '@lakeflow/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../scripts/python-env.ts'
import { packConnector, packPipeline } from '../src/index.ts'
import { installWheel, sortBy } from './support/example.ts'
import { SparkDriver } from './support/spark-driver.ts'

let spark: SparkDriver
let scratch: string
let volume: string
let layout: string

const message = (id: string, body: string, extra = '') =>
  `MSH|^~\\&|LAB|NORTH|EHR|NORTH|202401050830||ORU^R01^ORU_R01|${id}|P|2.5.1${extra}\r${body}`
const oru = (id: string) =>
  message(
    id,
    `PID|1||${id}-MRN^^^NORTH^MR~${id}-SS^^^SSA^SS||Okafor^Ada^M||19790412|F|||12 Harbour Rd^^Leeds^^LS1 4AB\rOBR|1|O1|F1|58410-2^CBC^LN\rOBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|12-16|N|||F\rNTE|1||Slightly \\T\\ haemolysed\\.br\\repeat\rOBR|2|O2|F2|24323-8^CMP^LN\rOBX|1|NM|2951-2^Sodium^LN||139|mmol/L\rZPD|1|custom^value\r`,
  )

/** HL7 files in UTF-8 (Spark's text source decodes UTF-8): batches, MLLP, a BOM, and bad input. */
function writeFiles(directory: string, prefix: string) {
  const write = (name: string, content: string | Buffer) => {
    mkdirSync(join(directory, name, '..'), { recursive: true })
    writeFileSync(join(directory, name), content)
  }
  write(`in/${prefix}-batch.hl7`, `FHS|^~\\&\rBHS|^~\\&\r${oru(`${prefix}1`)}${oru(`${prefix}2`)}BTS|2\rFTS|1\r`)
  write(
    `in/sub/${prefix}-mllp.hl7`,
    `\x0b${oru(`${prefix}3`)}\x1c\r\x0b${message(`${prefix}4`, 'PID|1||x\rEVN|A01\r')}\x1c\r`,
  )
  write(`in/${prefix}-bom.hl7`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(oru(`${prefix}5`))]))
  write(
    `in/${prefix}-bad.hl7`,
    `Export header line\n${oru(`${prefix}6`)}${message(`${prefix}7`, 'PID|1\r', '||||||KLINGON-8')}BHS|^~\\&\r${oru(`${prefix}8`)}BTS|4\r`,
  )
  write(`in/${prefix}-notes.txt`, 'not an hl7 file')
}

const SPEC = [
  'connection_name: hl7_inbound',
  'objects:',
  '  - table: { source_table: msh }',
  '  - table: { source_table: pid }',
  '  - table: { source_table: obx, destination_table: observations }',
  '  - table: { source_table: nte }',
  '  - table: { source_table: messages }',
  '  - table: { source_table: errors }',
  '  - table: { source_table: other_segments }',
  '  - table: { source_table: zpd, table_configuration: { segment_type: ZPD } }',
  '',
].join('\n')

/** Destination table → the columns that key it. */
const TARGETS: Record<string, string[]> = {
  msh: ['message_id', 'segment_index'],
  pid: ['message_id', 'segment_index'],
  observations: ['message_id', 'segment_index'],
  nte: ['message_id', 'segment_index'],
  messages: ['message_id'],
  errors: ['source_file', 'error_index'],
  other_segments: ['message_id', 'segment_index'],
  zpd: ['message_id', 'segment_index'],
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-spark-files-'))
  volume = join(scratch, 'volume')
  writeFiles(volume, 'A')
  const specFile = join(scratch, 'hl7_spec.yaml')
  writeFileSync(specFile, SPEC)
  writeFileSync(
    join(scratch, 'lakeflow.connections.yaml'),
    `connections:\n  hl7_inbound:\n    connector: hl7-v2\n    options: { source_type: volume, volume_path: ${volume}, file_glob: "*.hl7", recursive: true }\n`,
  )
  const { wheel } = await packConnector({ connector: 'hl7-v2', cwd: PACKAGE_ROOT, outDir: scratch })
  ;({ file: layout } = await packPipeline({
    spec: specFile,
    connector: 'hl7-v2',
    connectorModule: 'hl7-v2',
    connections: join(scratch, 'lakeflow.connections.yaml'),
    cwd: PACKAGE_ROOT,
    outDir: scratch,
  }))
  spark = await SparkDriver.start()
  installWheel(wheel)
}, 600_000)

afterAll(async () => {
  await spark?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

describe('lakeflow pack --pipeline for a file connector', () => {
  it('writes the Declarative Pipelines layout: transformations and utilities as plain Python', () => {
    expect(readdirSync(join(layout, 'transformations')).sort()).toEqual(['hl7_v2_tables.py', 'hl7_v2_units.py'])
    expect(readdirSync(join(layout, 'utilities')).sort()).toEqual(['__init__.py', 'hl7_v2_pipeline.py'])
    const code = ['transformations/hl7_v2_units.py', 'transformations/hl7_v2_tables.py', 'utilities/hl7_v2_pipeline.py']
      .map((file) => readFileSync(join(layout, file), 'utf8'))
      .join('\n')
    expect(code).toContain('.format("cloudFiles").option("cloudFiles.format", "text")')
    expect(code).toContain('.option("wholetext", "true")')
    expect(code).toContain('F.col("_metadata.file_path")')
    expect(code).toContain('spark.conf.get(f"{PREFIX}.{key}"')
    expect(code).toContain('spark.readStream.table(MESSAGES_TABLE)')
    expect(code).toContain('F.posexplode(split_units(')
    expect(code).toContain('F.from_json(')
    expect(code).toContain('function("hl7v2_split", ArrayType(StringType()))')
    expect(code).toContain('function("hl7v2_parse", MapType(StringType(), StringType()))')
    for (const forbidden of ['input_file_name', 'dlt.read', '# MAGIC', '# Databricks notebook', '%pip', '%run']) {
      expect(code).not.toContain(forbidden)
    }
  })
})

describe('one directory of HL7 files, two runners', () => {
  it('the DuckDB runner and the Spark file pipeline (text source, the connector functions as Arrow UDFs) give identical tables', async () => {
    const duckFile = join(scratch, 'hl7.duckdb')
    const runBoth = async (round: number) => {
      // HL7 tables are wide (up to ~550 leaf columns): DuckDB's default 128 MB is too little.
      const destination = new DuckDbDestination({ file: duckFile, memoryLimit: '1GB' })
      const report = await runPipeline({
        spec: parsePipelineSpecText(SPEC, 'hl7_spec.yaml'),
        pipeline: 'hl7-spark-compare',
        connector: hl7,
        connectorOptions: { source_type: 'volume', volume_path: volume, file_glob: '*.hl7', recursive: 'true' },
        destination,
      }).finally(() => destination.close())
      expect(
        report.tables.every((table) => table.status === 'succeeded'),
        JSON.stringify(report.tables),
      ).toBe(true)
      const sparkTables = await spark.call<Record<string, unknown[] | null>>('file_pipeline', {
        dir: layout,
        files: [
          join(layout, 'transformations', 'hl7_v2_units.py'),
          join(layout, 'transformations', 'hl7_v2_tables.py'),
        ],
        root: join(scratch, 'lakehouse'),
        conf: { 'lakeflow.hl7_v2.local': 'true' },
        targets: Object.keys(TARGETS),
      })
      const instance = await DuckDBInstance.create(duckFile)
      const connection = await instance.connect()
      try {
        for (const [table, keys] of Object.entries(TARGETS)) {
          const parquet = join(scratch, `${table}-${round}.parquet`)
          await connection.run(`COPY ${table} TO '${parquet}' (FORMAT parquet)`)
          const duck = await spark.call<unknown[]>('read_parquet', { path: parquet })
          expect(duck.length, table).toBeGreaterThan(0)
          expect(sortBy(sparkTables[table] ?? [], keys), table).toEqual(sortBy(duck, keys))
        }
      } finally {
        connection.closeSync()
        instance.closeSync()
      }
    }
    await runBoth(1)
    // New files arrive: both runners read just those on their next run.
    writeFiles(volume, 'B')
    await runBoth(2)
  }, 900_000)
})
