/**
 * Prints each connector's code size: non-blank `.ts` lines under `src/` that are not comment
 * lines (lines starting with `//`, `/*` or `*`), per connector and per file with `--files`.
 *
 *   pnpm loc [--files] [--json]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** Code lines of a TypeScript source: not blank, not a comment line. */
export function codeLines(text: string): number {
  return text.split('\n').filter((line) => {
    const trimmed = line.trim()
    return trimmed !== '' && !/^(\/\/|\/\*|\*)/.test(trimmed)
  }).length
}

function sources(directory: string): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** Every connector package and the template, with their code lines per file. */
export function connectorSizes(root = ROOT): { name: string; lines: number; files: Record<string, number> }[] {
  const connectors = readdirSync(join(root, 'connectors'))
    .map((name) => ({ name, directory: join(root, 'connectors', name) }))
    .filter(({ directory }) => existsSync(join(directory, 'src')))
  const all = [...connectors, { name: 'template', directory: join(root, 'tooling', 'connector-template') }]
  return all.map(({ name, directory }) => {
    const files = Object.fromEntries(
      sources(join(directory, 'src')).map((file) => [relative(directory, file), codeLines(readFileSync(file, 'utf8'))]),
    )
    return { name, lines: Object.values(files).reduce((sum, lines) => sum + lines, 0), files }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = connectorSizes()
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes, null, 2))
  else {
    console.log('| connector | code lines |\n|---|---:|')
    for (const { name, lines, files } of sizes) {
      console.log(`| ${name} | ${lines} |`)
      if (process.argv.includes('--files')) {
        for (const [file, count] of Object.entries(files).sort((left, right) => right[1] - left[1])) {
          console.log(`|   ${file} | ${count} |`)
        }
      }
    }
  }
}
