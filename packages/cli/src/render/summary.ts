import type { RunReport } from '@lakeflow/pipeline'

const number = new Intl.NumberFormat('en-US')

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** Pads a table of strings into aligned columns (numbers right-aligned). */
export function formatTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)]
    .join('\n')
    .replace(/ +$/gm, '')
}

/**
 * The end-of-run summary: one row per table with ingestion type, counts, duration and status,
 * then the run's warnings and failures.
 */
export function summaryTable(report: RunReport): string {
  const rows = report.tables.map((table) => [
    table.destination,
    `${table.ingestionType}${table.scdType === 2 && table.ingestionType !== 'append' ? ' (scd2)' : ''}`,
    number.format(table.rows),
    number.format(table.inserted),
    number.format(table.updated),
    number.format(table.deleted),
    number.format(table.batches),
    duration(table.durationMs),
    table.status === 'failed' ? 'FAILED' : table.complete ? 'ok' : 'ok, continues next run',
  ])
  const failures = report.tables
    .filter((table) => table.error)
    .map((table) => `  ${table.sourceTable}: ${table.error!.message}`)
  const title = `Run ${report.runId.slice(0, 8)} of ${report.pipeline} into ${report.destination}: ${report.status} in ${duration(report.durationMs)}`
  const body = formatTable(
    ['table', 'ingestion', 'read', 'inserted', 'updated', 'deleted', 'batches', 'duration', 'status'],
    rows,
    new Set([2, 3, 4, 5, 6, 7]),
  )
  const warnings = report.warnings.map((warning) => `  ${warning.table ? `${warning.table}: ` : ''}${warning.message}`)
  return [
    title,
    body,
    ...(warnings.length ? ['Warnings:', ...warnings] : []),
    ...(failures.length ? ['Failures (committed offsets kept; rerun to resume):', ...failures] : []),
  ].join('\n')
}
