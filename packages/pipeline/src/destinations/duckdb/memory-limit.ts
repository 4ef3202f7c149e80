import { LakeflowError } from '@lakeflow/core/errors'

/** Byte multipliers of the size units DuckDB accepts (KB = 1000 bytes, KiB = 1024). */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

/**
 * The smallest memory limit a sync works with: DuckDB's JSON reader alone allocates two 32 MiB
 * buffers for a batch (measured: 32MB fails, 64MB syncs).
 */
export const MIN_MEMORY_LIMIT_BYTES = 64e6

/**
 * Bytes of a size such as `128MB`, `1.5GiB` or `200000000B` (DuckDB's units, case-insensitive);
 * undefined when the text is not a size.
 * @example parseByteSize('128MB') // 128000000
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text)
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined
  if (!match || unit === undefined) return undefined
  return Math.floor(Number(match[1]) * unit)
}

/**
 * Checks a DuckDB memory limit: a size DuckDB understands, at least {@link MIN_MEMORY_LIMIT_BYTES}.
 * Returns its bytes; throws a configuration error naming `what` (a flag or an option) otherwise.
 */
export function checkMemoryLimit(text: string, what: string): number {
  const bytes = parseByteSize(text)
  if (bytes === undefined) {
    throw new LakeflowError(`${what} expects a size such as 128MB, 512MiB or 2GB, got ${JSON.stringify(text)}`, {
      category: 'config',
    })
  }
  if (bytes < MIN_MEMORY_LIMIT_BYTES) {
    throw new LakeflowError(
      `${what} must be at least 64MB (DuckDB's JSON reader alone needs two 32 MiB buffers per batch), got ${JSON.stringify(text)}`,
      { category: 'config' },
    )
  }
  return bytes
}
