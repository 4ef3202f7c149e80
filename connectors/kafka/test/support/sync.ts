import { DuckDbDestination, parsePipelineSpec, type RunReport, runPipeline, type StateEntry } from '@lakeflow/pipeline'
import { connector } from '../../src/index.ts'

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

// The pipeline's own test helpers: a temp folder and a query over a DuckDB file.
export { queryFile, tempDir } from '../../../../packages/pipeline/test/support/harness.ts'
