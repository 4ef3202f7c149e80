import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { allChecks } from '../src/index.ts'
import { gallery } from './mutants/index.ts'

/** The cells of a Markdown table row, trimmed (the formatter pads them). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(' | ')
    .map((cell) => cell.trim())
}

/** The README's row for a check, as cells. */
function row(checkId: string): string[] {
  const check = allChecks.find((candidate) => candidate.id === checkId)!
  const mutants = gallery
    .filter((entry) => entry.check === check.id)
    .map((entry) => `\`${entry.mutant}\` (${entry.defect})`)
    .join('; ')
  return [`\`${check.id}\``, `${check.title}${check.simulatorOnly ? ' (sim)' : ''}`, check.source, mutants]
}

describe('README', () => {
  it('lists every check with the mutant that proves it, as the code has them', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## The checks'), readme.indexOf('## How the checks work'))
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map(cells)
    const byId = new Map(rows.map((found) => [found[0], found]))
    for (const check of allChecks) expect(byId.get(`\`${check.id}\``), check.id).toEqual(row(check.id))
    expect(rows.length).toBe(allChecks.length)
  })
})
