import { UsageError } from '../errors.ts'
import type { Output } from '../output.ts'

/** `lakeflow demo` (filled in once the example connector lands). */
export async function demoCommand(_argv: string[], _out: Output): Promise<number> {
  throw new UsageError('the demo needs @lakeflow/connector-example, which is not installed yet')
}
