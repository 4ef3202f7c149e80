import type { ColumnFunction, ConnectorDefinition } from '@lakeflow/core/connector'
import { type Converter, compileConverter } from '@lakeflow/core/convert'
import { LakeflowError } from '@lakeflow/core/errors'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import { tableFromIPC, type Vector } from 'apache-arrow'
import { encodeBatch, RecordBatchBuilder } from '../arrow/batch-builder.ts'

interface Compiled {
  readonly fn: ColumnFunction
  readonly schema: TableSchema
  readonly convert: Converter
}

/** A column value from Arrow as a function sees it: strings, numbers (bigint for 64-bit), bytes, null. */
function valuesOf(vector: Vector): unknown[] {
  const out = new Array<unknown>(vector.length)
  for (let index = 0; index < vector.length; index++) out[index] = vector.get(index) ?? null
  return out
}

/**
 * Runs a connector's column functions (`ConnectorDefinition.functions`) on batches that
 * arrive as Arrow IPC streams, returning one Arrow batch with a single column `value` of
 * the function's return type. This is how Spark UDFs run the connector's own TypeScript.
 */
export class ColumnFunctions {
  private readonly definition: ConnectorDefinition
  private readonly compiled = new Map<string, Compiled>()

  constructor(definition: ConnectorDefinition) {
    this.definition = definition
  }

  /** Calls `name` on the rows of `ipc` (an Arrow IPC stream of the arguments, in order). */
  call(name: string, ipc: Uint8Array): { batch: Uint8Array; rows: number } {
    const { fn, schema, convert } = this.lookup(name)
    const table = tableFromIPC(ipc)
    const columns = table.schema.fields.map((_, index) => valuesOf(table.getChildAt(index)!))
    if (columns.length !== fn.parameters.length) {
      throw new LakeflowError(
        `Function ${name} of connector ${this.definition.name} takes ${fn.parameters.length} arguments (${fn.parameters.join(', ')}), got ${columns.length}`,
        { category: 'config' },
      )
    }
    const results = fn.call(columns)
    const builder = new RecordBatchBuilder(schema, {
      maxRows: Number.MAX_SAFE_INTEGER,
      maxBytes: Number.MAX_SAFE_INTEGER,
    })
    for (const value of results) builder.append(convert({ value }))
    return { batch: encodeBatch(builder.finish()), rows: results.length }
  }

  private lookup(name: string): Compiled {
    const known = this.compiled.get(name)
    if (known) return known
    const fn = this.definition.functions?.[name]
    if (!fn) {
      const names = Object.keys(this.definition.functions ?? {})
      throw new LakeflowError(
        `Connector ${this.definition.name} has no function ${JSON.stringify(name)}; it has ${names.length ? names.join(', ') : 'none'}`,
        { category: 'config' },
      )
    }
    const schema = Spark.table({ value: fn.returnType })
    const compiled = { fn, schema, convert: compileConverter(schema, { table: `function ${name}` }) }
    this.compiled.set(name, compiled)
    return compiled
  }
}
