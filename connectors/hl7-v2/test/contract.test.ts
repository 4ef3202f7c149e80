import type { RawRecord } from '@lakeflow/core/connector'
import { parseMessage } from '@lakeflow/hl7v2'
import { type Hl7Table, messages } from '@lakeflow/hl7v2/tables'
import { describeConnector } from '@lakeflow/testkit'
import { fileTime } from '../src/hl7-v2-files.ts'
import { connector } from '../src/index.ts'
import { BAD_INPUT } from './fixtures/bad-input.ts'
import { type MessageRecord, renderBatch, renderMessage } from './fixtures/hl7-messages.ts'

const here = (path: string) => new URL(path, import.meta.url).pathname

/** The row a table has for a corpus message, where the file fixture put it. */
const rowIn =
  (table: Hl7Table) =>
  (record: RawRecord): RawRecord =>
    table.rows(parseMessage(renderMessage(record)), {
      sourceFile: (record.$file as string | undefined) ?? null,
      createTime: record.$modifiedMs === undefined ? null : fileTime(record.$modifiedMs as number),
      messageIndex: (record.$index as number | undefined) ?? 1,
    })[0]!

const newRecord = (index: number): MessageRecord => ({
  message_id: `NEW${String(index).padStart(7, '0')}`,
  kind: index % 2 === 0 ? 'ADT_A01' : 'VXU_V04',
  sent: '20240201101500',
  mrn: String(500_000 + index),
  family: 'Ferreira',
  given: `Test${index}`,
})

// The contract suite against a directory of HL7 batch files (the file fixture): the
// starting corpus (fixtures/corpus, four messages per batch file, in two subdirectories)
// plus a file of bad input; the suite adds, rewrites and touches files as it checks.
describeConnector({
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  options: ({ directory }) => ({ source_type: 'volume', volume_path: directory, file_glob: '*.hl7', recursive: true }),
  files: {
    corpus: here('./fixtures/corpus'),
    corpora: { messages: { primary_key: ['message_id'] } },
    recordsPerFile: 4,
    render: (_corpus, records, sequence) => ({
      name: `inbound/${sequence % 2 === 0 ? 'east' : 'west'}/batch-${String(sequence).padStart(5, '0')}.hl7`,
      content: renderBatch(records, sequence),
    }),
    extraFiles: { 'inbound/rejected/export-0001.hl7': BAD_INPUT },
  },
  // Every table reads every file, so only one table can be the one the suite writes
  // records for (a second would see the first one's records as phantoms).
  tables: { messages: { corpus: 'messages', newRecord, toRow: rowIn(messages) } },
  memory: { table: 'messages', count: 50_000 },
})
