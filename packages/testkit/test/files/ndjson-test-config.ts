import type { RawRecord } from '@lakeflow/core/connector'
import type { ConnectorTestConfig } from '../../src/index.ts'
import { ndjsonFiles } from './ndjson-files-connector.ts'

const corpus: Record<string, RawRecord[]> = {
  events: Array.from({ length: 12 }, (_, index) => ({ id: index + 1, name: `event ${index + 1}` })),
}

/** The suite's settings for the reference file connector (the file mutants reuse them). */
export const ndjsonTestConfig: ConnectorTestConfig = {
  connector: ndjsonFiles,
  module: new URL('./ndjson-files-connector.ts', import.meta.url).href,
  exportName: 'ndjsonFiles',
  options: ({ directory }) => ({ directory }),
  files: {
    corpus,
    corpora: { events: { primary_key: ['id'] } },
    recordsPerFile: 5,
    render: (_corpus, records, sequence) => ({
      name: `day-${String(sequence % 3)}/events-${sequence}.ndjson`,
      content: records.map((record) => `${JSON.stringify(record)}\n`).join(''),
    }),
  },
  tables: {
    events: {
      corpus: 'events',
      newRecord: (index) => ({ id: 100_000 + index, name: `new ${index}` }),
      toRow: (record) => ({ id: record.id, name: record.name ?? null, source_file: record.$file, line: record.$index }),
    },
  },
  memory: { table: 'events', count: 200_000 },
}
