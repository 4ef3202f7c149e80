/**
 * Deterministic records and their encodings for the streaming memory test (not shipped):
 * shared by the server child process, which generates bodies on the fly, and the test,
 * which computes their sizes.
 */

/** Record `index`: about 230 bytes of JSON, with text that varies so gzip stays realistic. */
export function record(index: number): Record<string, unknown> {
  const salt = ((index + 1) * 2654435761) >>> 0
  return {
    id: index + 1,
    name: `user-${index}`,
    email: `user-${index}@example.com`,
    updated_at: new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString(),
    note: `${salt.toString(36)} ${(salt ^ 0x5bd1e995).toString(16)} `.repeat(5),
  }
}

/** The body kinds the server can send. */
export const KINDS = ['ndjson-gzip-encoding', 'csv-gz-file', 'zip-ndjson'] as const
export type Kind = (typeof KINDS)[number]

const COLUMNS = ['id', 'name', 'email', 'updated_at', 'note']

/** The uncompressed text of records [from, to): NDJSON lines or CSV rows (no header). */
export function text(kind: Kind, from: number, to: number): string {
  let out = ''
  for (let index = from; index < to; index++) {
    const value = record(index)
    out +=
      kind === 'csv-gz-file' ? `${COLUMNS.map((column) => value[column]).join(',')}\n` : `${JSON.stringify(value)}\n`
  }
  return out
}

/** The CSV header row. */
export const CSV_HEADER = `${COLUMNS.join(',')}\n`
