import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { DuckDbDestination, parsePipelineSpec, type RunReport, runPipeline, type StateEntry } from '@lakeflow/pipeline'
import { connector } from '../../src/index.ts'

/** A temp folder, removed by `remove`. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-kafka-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs one pipeline run of the given topic tables into a DuckDB file; returns the report and the committed state. */
export async function syncTopics(
  file: string,
  connectorOptions: Record<string, unknown>,
  tables: Record<string, Record<string, string>>,
): Promise<{ report: RunReport; state: StateEntry[] }> {
  const spec = parsePipelineSpec({
    connection_name: 'kafka',
    objects: Object.entries(tables).map(([source, configuration]) => ({
      table: {
        source_table: source,
        destination_table: source.replaceAll(/[^A-Za-z0-9_]/g, '_'),
        table_configuration: configuration,
      },
    })),
  })
  const destination = new DuckDbDestination({ file, memoryLimit: '128MB' })
  try {
    const report = await runPipeline({ spec, pipeline: 'kafka-test', connector, connectorOptions, destination })
    return { report, state: await destination.listState('kafka-test') }
  } finally {
    await destination.close()
  }
}

/** A query's rows from a DuckDB file, JSON-friendly. */
export async function queryFile(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file, { autoinstall_known_extensions: 'false' })
  try {
    const connection = await instance.connect()
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]
    connection.closeSync()
    return rows
  } finally {
    instance.closeSync()
  }
}
