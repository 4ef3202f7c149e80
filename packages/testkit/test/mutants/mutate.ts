/**
 * Building blocks of the mutant gallery: each mutant is the example connector with one
 * deliberate defect, so the self-test can prove the check aimed at that defect fails.
 * The example is imported by path (testkit cannot depend on a connector package: the
 * example already depends on testkit).
 */
import type {
  ConnectorDefinition,
  LakeflowConnector,
  Offset,
  PartitionedStreamSupport,
  RawRecord,
  TableOptions,
  TableRead,
} from '@lakeflow/core/connector'
import { type ExampleConnector, connector as example } from '../../../../connectors/example/src/index.ts'

/** The example connector's type: the five methods and partitioned streams. */
export type Full = LakeflowConnector & PartitionedStreamSupport

/** What a mutant gets to build its defect from. */
export interface MutantInput {
  /** A working example connector made from the same options. */
  inner: ExampleConnector
  /** The raw options the mutant was created with. */
  options: Readonly<Record<string, unknown>>
}

/**
 * Defines a mutant: the example definition whose `create` returns the real connector with
 * some members replaced. Returning a whole connector object is allowed too.
 */
export function mutant(patch: (input: MutantInput) => Partial<Full> & Record<string, unknown>): ConnectorDefinition {
  return {
    ...example,
    create(options) {
      const inner = example.create(options) as ExampleConnector
      return { ...inner, ...patch({ inner, options }) } as unknown as LakeflowConnector
    },
  }
}

/** A read that transforms another read's records and end offset. */
export async function* transformRead(
  read: TableRead,
  settings: {
    records?: (record: RawRecord) => RawRecord | undefined
    end?: (end: Offset | null, start: Offset | null) => Offset | null
    start?: Offset | null
  },
): TableRead {
  for (;;) {
    const step = await read.next()
    if (step.done) return settings.end ? settings.end(step.value, settings.start ?? null) : step.value
    const record = settings.records ? settings.records(step.value) : step.value
    if (record !== undefined) yield record
  }
}

/** Replaces `readTable` for one table (others stay correct). */
export function readTableFor(
  inner: ExampleConnector,
  table: string,
  read: (start: Offset | null, options: TableOptions) => TableRead,
): Pick<Full, 'readTable'> {
  return {
    readTable(name, start, options) {
      return name === table ? read(start, options) : inner.readTable(name, start, options)
    },
  }
}
