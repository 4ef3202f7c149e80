/**
 * `pnpm new-connector <name>` creates a package that passes the contract suite as
 * generated. The test generates into a temporary workspace (linked to this repo's tooling
 * and packages), type-checks it with tsc, and runs its tests with vitest in a child process.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createConnector, fillPlaceholders, nameForms } from '../../../scripts/new-connector.ts'
import { allChecks, allPartitionChecks } from '../src/index.ts'

const run = promisify(execFile)

/** Checks the template cannot exercise: it has one cdc table, no partitions, deletes or snapshots. */
const NOT_APPLICABLE = new Set([
  'read-table-deletes',
  ...allPartitionChecks.map((check) => check.id),
  'deletable-tables',
  'delete-and-read-deletes',
  'snapshot-failure-surfaces',
])
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TESTKIT = fileURLToPath(new URL('../', import.meta.url))

/** A clean environment for a nested vitest (no inherited worker variables). */
function childEnv(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'FORCE_COLOR',
  )
  return { ...Object.fromEntries(inherited), CI: '1', NO_COLOR: '1' }
}

function linkWorkspace(directory: string): void {
  symlinkSync(join(ROOT, 'tooling'), join(directory, 'tooling'))
  mkdirSync(join(directory, 'node_modules', '@lakeflow'), { recursive: true })
  mkdirSync(join(directory, 'node_modules', '@types'), { recursive: true })
  for (const name of ['core', 'simulator', 'testkit']) {
    symlinkSync(join(ROOT, 'packages', name), join(directory, 'node_modules', '@lakeflow', name))
  }
  symlinkSync(
    realpathSync(join(ROOT, 'packages', 'core', 'node_modules', 'typebox')),
    join(directory, 'node_modules', 'typebox'),
  )
  symlinkSync(realpathSync(join(TESTKIT, 'node_modules', 'vitest')), join(directory, 'node_modules', 'vitest'))
  symlinkSync(
    realpathSync(join(ROOT, 'node_modules', '@types', 'node')),
    join(directory, 'node_modules', '@types', 'node'),
  )
}

describe('new-connector', () => {
  it('spells names every way the template needs and rejects bad ones', () => {
    expect(nameForms('acme-crm')).toEqual({
      kebab: 'acme-crm',
      pascal: 'AcmeCrm',
      upper: 'ACME_CRM',
      title: 'Acme Crm',
    })
    expect(fillPlaceholders('createAcmeConnector @lakeflow/connector-acme ACME_TOKEN', nameForms('zen-desk'))).toBe(
      'createZenDeskConnector @lakeflow/connector-zen-desk ZEN_DESK_TOKEN',
    )
    for (const bad of ['Acme', 'acme_crm', '-acme', 'acme--crm', '1acme', ''])
      expect(() => nameForms(bad)).toThrow(/kebab-case/)
  })

  it('refuses to overwrite an existing package', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lakeflow-new-connector-'))
    try {
      createConnector({ name: 'twice', directory })
      expect(() => createConnector({ name: 'twice', directory })).toThrow(/already exists/)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it('generates a package that type-checks and passes the contract suite', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'lakeflow-new-connector-'))
    try {
      linkWorkspace(workspace)
      const connectors = join(workspace, 'connectors')
      await run(process.execPath, [
        join(ROOT, 'scripts', 'new-connector.ts'),
        'zen-desk',
        '--dir',
        connectors,
        '--description',
        'Zen Desk tickets.',
      ])
      const target = join(connectors, 'zen-desk')
      const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'))
      expect(manifest).toMatchObject({ name: '@lakeflow/connector-zen-desk', description: 'Zen Desk tickets.' })
      expect(readFileSync(join(target, 'src', 'zen-desk-connector.ts'), 'utf8')).toContain(
        'export function createZenDeskConnector',
      )

      await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', join(target, 'tsconfig.json')])

      writeFileSync(
        join(workspace, 'vitest.config.ts'),
        `import { defineConfig } from 'vitest/config'
const conditions = ['@lakeflow/source', 'module', 'node', 'development|production']
export default defineConfig({ resolve: { conditions }, ssr: { resolve: { conditions } }, test: { include: ['test/**/*.test.ts'], testTimeout: 120000, hookTimeout: 120000 } })
`,
      )
      const vitest = join(realpathSync(join(TESTKIT, 'node_modules', 'vitest')), 'vitest.mjs')
      const reportFile = join(workspace, 'report.json')
      await run(
        process.execPath,
        [
          vitest,
          'run',
          '--config',
          join(workspace, 'vitest.config.ts'),
          '--root',
          target,
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${reportFile}`,
        ],
        {
          cwd: target,
          env: childEnv(),
          maxBuffer: 16 * 1024 * 1024,
        },
      ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(
          `the generated connector's tests failed:\n${error.stdout ?? ''}\n${error.stderr ?? error.message}`,
        )
      })
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
        numFailedTests: number
        testResults: { assertionResults: { title: string; status: string }[] }[]
      }
      expect(report.numFailedTests).toBe(0)
      const statuses = new Map(
        report.testResults.flatMap((file) =>
          file.assertionResults.map((result) => [result.title.split(':')[0]!, result.status] as const),
        ),
      )
      // Every check runs and passes, except those about capabilities the one-table template lacks
      // (the file-source checks are not registered for an HTTP connector at all).
      for (const check of allChecks.filter((candidate) => !candidate.fileSourceOnly)) {
        expect(statuses.get(check.id), check.id).toBe(NOT_APPLICABLE.has(check.id) ? 'skipped' : 'passed')
      }
      for (const check of allChecks.filter((candidate) => candidate.fileSourceOnly)) {
        expect(statuses.has(check.id), check.id).toBe(false)
      }
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  }, 240_000)
})
