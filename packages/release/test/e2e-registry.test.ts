/**
 * End to end with a real registry: Verdaccio on 127.0.0.1, the real `pnpm release` run in a copy
 * of this repository, a fresh consumer project outside the workspace that installs and runs the
 * published packages, then a patch release of one connector alone and its upgrade.
 */
import { existsSync, globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { checkReleasePolicy } from '../src/policy.ts'
import { publishedVersions } from '../src/registry.ts'
import { parseSnapshotFile } from '../src/schema-diff.ts'
import { packFileList, tarballProblems } from '../src/tarball.ts'
import { publishedPackages } from '../src/workspace.ts'
import { writeFutureConnector, writeTypeScriptConsumer } from './helpers/consumer-fixtures.ts'
import { childEnv, copyWorkingTree, run, startServer } from './helpers/processes.ts'
import { ensureVerdaccio, type RunningRegistry, startVerdaccio } from './helpers/verdaccio.ts'

const REPO_ROOT = join(import.meta.dirname, '../../..')
const has = (dir: string) => existsSync(join(REPO_ROOT, dir, 'package.json'))
/** The CLI and the example connector may land after this test; until then it consumes what exists. */
const HAS_CLI = has('packages/cli')
const HAS_EXAMPLE = has('connectors/example')
const FIRST_CONNECTOR = publishedPackages(REPO_ROOT).find((p) => p.relativeDir.startsWith('connectors/'))
/** The package whose patch release is shown: the example connector, else any connector, else core. */
const PATCHED = HAS_EXAMPLE ? '@lakeflow/connector-example' : (FIRST_CONNECTOR?.name ?? '@lakeflow/core')
const CONSUMED = [
  ...(HAS_CLI ? ['@lakeflow/cli'] : []),
  ...(HAS_EXAMPLE ? ['@lakeflow/simulator'] : []),
  ...new Set([...(HAS_EXAMPLE ? ['@lakeflow/connector-example'] : []), PATCHED, '@lakeflow/core']),
]

const timings: [string, number][] = []
const timed = <T>(label: string, action: () => T): T => {
  const started = performance.now()
  try {
    return action()
  } finally {
    timings.push([label, (performance.now() - started) / 1000])
  }
}

let registry: RunningRegistry
let work: string
let repo: string
let consumer: string
let repoEnv: NodeJS.ProcessEnv
let consumerEnv: NodeJS.ProcessEnv
let firstRelease: string

const nextPatch = (version: string) => version.replace(/\d+$/, (patch) => String(Number(patch) + 1))

/** The turbo cache of this checkout (turbo keeps it beside the main worktree's `.git`). */
function turboCacheDir(): string {
  const common = run('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: REPO_ROOT,
    env: process.env,
  })
  return join(dirname(common.stdout.trim()), '.turbo', 'cache')
}

/** What the consumer has installed, from `pnpm list`: name → version and where it came from. */
function installedDetails(): Record<string, { version: string; resolved: string }> {
  const [project] = JSON.parse(
    run('pnpm', ['list', '--json', '--depth', '0'], { cwd: consumer, env: consumerEnv }).stdout,
  )
  return project.dependencies ?? {}
}
/** Versions the consumer has installed. */
const installed = () => Object.fromEntries(Object.entries(installedDetails()).map(([name, d]) => [name, d.version]))

beforeAll(async () => {
  const entry = timed('verdaccio install (cached after the first run)', () => ensureVerdaccio(REPO_ROOT))
  const started = performance.now()
  registry = await startVerdaccio(entry)
  timings.push(['verdaccio start', (performance.now() - started) / 1000])
  work = mkdtempSync(join(tmpdir(), 'lakeflow-e2e-'))
  repo = join(work, 'repo')
  consumer = join(work, 'consumer')
  mkdirSync(repo)
  mkdirSync(consumer)
  timed('copy the working tree', () => copyWorkingTree(REPO_ROOT, repo))
  // The release side: exactly what CI sets (docs/publishing.md), nothing else.
  repoEnv = childEnv([join(repo, '.tools/bin'), join(repo, 'node_modules/.bin')], {
    LAKEFLOW_REGISTRY_URL: registry.url,
    NPM_TOKEN: registry.token,
    // Share this checkout's turbo cache: CI builds before testing, so the copy's build is a cache hit.
    TURBO_CACHE_DIR: turboCacheDir(),
  })
  firstRelease = timed('pnpm release (install, build, publish everything)', () =>
    run('pnpm', ['release'], { cwd: repo, env: repoEnv, timeoutMs: 300_000 }),
  ).stdout
  // The consumer side: a literal scope registry in the project .npmrc, the token in a user-level file.
  const authFile = join(work, 'consumer-auth.npmrc')
  writeFileSync(authFile, `//127.0.0.1:${registry.port}/:_authToken=\${NPM_TOKEN}\n`)
  writeFileSync(join(consumer, '.npmrc'), `@lakeflow:registry=${registry.url}\n`)
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`,
  )
  // pnpm ≥ 11 waits a day before adopting a new release; our own private scope is trusted.
  writeFileSync(join(consumer, 'pnpm-workspace.yaml'), "minimumReleaseAgeExclude:\n  - '@lakeflow/*'\n")
  consumerEnv = childEnv([join(REPO_ROOT, '.tools/bin')], {
    NPM_TOKEN: registry.token,
    PNPM_CONFIG_NPMRC_AUTH_FILE: authFile,
  })
}, 400_000)

afterAll(async () => {
  await registry?.stop()
  // LAKEFLOW_E2E_KEEP=1 keeps the repository copy and the consumer for a look afterwards.
  if (work && !process.env.LAKEFLOW_E2E_KEEP) rmSync(work, { recursive: true, force: true })
  else if (work) console.log(`kept ${work}`)
  const width = Math.max(...timings.map(([label]) => label.length))
  console.log(
    `release e2e timings:\n${timings.map(([label, s]) => `  ${label.padEnd(width)}  ${s.toFixed(1)} s`).join('\n')}`,
  )
})

describe('publishing to a real registry and consuming from it', () => {
  it('pnpm release publishes every public package at its version and tags it', () => {
    for (const workspacePackage of publishedPackages(repo)) {
      const id = `${workspacePackage.name}@${workspacePackage.version}`
      expect(firstRelease).toContain(`published ${id}`)
      expect(publishedVersions(workspacePackage.name, { cwd: consumer, env: consumerEnv })).toEqual([
        workspacePackage.version,
      ])
      expect(run('git', ['tag', '--list', id], { cwd: repo, env: repoEnv }).stdout.trim()).toBe(id)
    }
    const again = run('pnpm', ['release'], { cwd: repo, env: repoEnv }).stdout
    expect(again).toContain('Nothing to publish.')
  })

  it('the registry refuses the scope without the token (it really is private)', () => {
    const anonymous = { ...consumerEnv, NPM_TOKEN: 'not-a-token' }
    expect(() => publishedVersions('@lakeflow/core', { cwd: consumer, env: anonymous })).toThrow(/401|Unauthorized/)
  })

  it('every published tarball is clean and the release policy passes against the tags', () => {
    for (const workspacePackage of publishedPackages(repo)) {
      expect({
        [workspacePackage.name]: tarballProblems(workspacePackage.dir, packFileList(workspacePackage.dir, repoEnv)),
      }).toEqual({
        [workspacePackage.name]: [],
      })
    }
    const verdicts = checkReleasePolicy({ root: repo, lookup: null, checkTarballs: false })
    expect(verdicts.every((verdict) => verdict.basis.startsWith('released as tag'))).toBe(true)
    expect(verdicts.flatMap((verdict) => verdict.violations)).toEqual([])
  })

  it('a fresh project outside the workspace installs the packages from the registry', () => {
    const added = timed(`pnpm add ${CONSUMED.join(' ')}`, () =>
      run('pnpm', ['add', ...CONSUMED], { cwd: consumer, env: consumerEnv }),
    )
    expect(added.status).toBe(0)
    const versions = installed()
    for (const name of CONSUMED)
      expect(versions[name]).toBe(publishedPackages(repo).find((p) => p.name === name)!.version)
    for (const [name, detail] of Object.entries(installedDetails())) {
      expect(detail.resolved, name).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${registry.port}/${name}/-/`))
    }
  })

  it.runIf(HAS_CLI && HAS_EXAMPLE)(
    'the installed lakeflow binary lists and reads the example connector from its simulator',
    async () => {
      const simulatorDir = join(repo, 'connectors/example/simulator')
      const simulator = await startServer(
        join(consumer, 'node_modules/.bin/lakeflow-simulator'),
        ['--spec', join(simulatorDir, 'endpoints.yaml'), '--corpus', join(simulatorDir, 'corpus')],
        { cwd: consumer, env: consumerEnv },
      )
      try {
        expect(simulator.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/)
        const lakeflow = join(consumer, 'node_modules/.bin/lakeflow')
        const options = ['-o', `base_url=${simulator.firstLine}`, '-o', 'username=ada', '-o', 'password=e2e-secret-pw']
        const tables = timed('lakeflow tables example', () =>
          run(lakeflow, ['tables', 'example', ...options], { cwd: consumer, env: consumerEnv }),
        )
        const corpora = Object.keys(parseYaml(readFileSync(join(simulatorDir, 'endpoints.yaml'), 'utf8')).corpora)
        expect(tables.stdout.trim().split('\n').sort()).toEqual(corpora.sort())
        const read = timed('lakeflow read example users --limit 3', () =>
          run(lakeflow, ['read', 'example', 'users', '--limit', '3', ...options], { cwd: consumer, env: consumerEnv }),
        )
        const records = read.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
        const corpus = JSON.parse(readFileSync(join(simulatorDir, 'corpus/users.json'), 'utf8')) as {
          user_id: number
          updated_at: string
        }[]
        const firstThree = [...corpus]
          .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.user_id - b.user_id)
          .slice(0, 3)
        expect(records.map((record) => record.user_id)).toEqual(firstThree.map((record) => record.user_id))
        expect(read.stdout + read.stderr).not.toContain('e2e-secret-pw')
      } finally {
        await simulator.stop()
      }
    },
  )

  it('a TypeScript consumer type-checks against the published .d.ts and runs', () => {
    writeTypeScriptConsumer(consumer, HAS_EXAMPLE)
    const check = timed('tsc against the published .d.ts', () =>
      run(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {
        cwd: consumer,
        env: consumerEnv,
        allowFailure: true,
      }),
    )
    expect(check.stdout + check.stderr).toBe('')
    expect(check.status).toBe(0)
    const ran = run('node', ['main.ts'], { cwd: consumer, env: consumerEnv })
    const output = JSON.parse(ran.stdout)
    if (HAS_EXAMPLE) expect(ran.stderr).toContain('connector example v1')
    expect(output).toMatchObject({ spec: 'v1', row: { id: 1, title: null }, unknown: true })
    expect(output.ddl).toContain('id BIGINT NOT NULL')
  })

  it(`releases a patch of ${PATCHED} alone, and the consumer upgrades only it`, () => {
    const before = installed()
    const others = publishedPackages(repo).filter((p) => p.name !== PATCHED)
    const versionsBefore = Object.fromEntries(
      others.map((p) => [p.name, publishedVersions(p.name, { cwd: repo, env: repoEnv })]),
    )
    timed('patch: pnpm exec changeset --patch', () => {
      run('pnpm', ['exec', 'changeset', '--patch', PATCHED, '-m', 'Fix the example table cursor'], {
        cwd: repo,
        env: repoEnv,
      })
      run('git', ['add', '-A'], { cwd: repo, env: repoEnv })
      run('git', ['commit', '-q', '-m', 'changeset'], { cwd: repo, env: repoEnv })
    })
    timed('patch: release-version --filter --commit', () =>
      run('node', ['scripts/release-version.ts', '--filter', PATCHED, '--commit'], { cwd: repo, env: repoEnv }),
    )
    const released = timed(`patch: pnpm release --filter ${PATCHED}`, () =>
      run('pnpm', ['release', '--filter', PATCHED], { cwd: repo, env: repoEnv }),
    ).stdout
    expect(released.match(/^published .*$/gm)).toEqual([`published ${PATCHED}@${nextPatch(before[PATCHED]!)}`])
    const patched = publishedPackages(repo).find((p) => p.name === PATCHED)!
    expect(patched.version).toBe(nextPatch(before[PATCHED]!))
    expect(readFileSync(join(patched.dir, 'CHANGELOG.md'), 'utf8')).toContain('Fix the example table cursor')
    expect(
      Object.fromEntries(others.map((p) => [p.name, publishedVersions(p.name, { cwd: repo, env: repoEnv })])),
    ).toEqual(versionsBefore)
    timed(`pnpm update ${PATCHED}`, () => run('pnpm', ['update', PATCHED], { cwd: consumer, env: consumerEnv }))
    expect(installed()).toEqual({ ...before, [PATCHED]: patched.version })
  })

  it.runIf(HAS_CLI)('lakeflow refuses an installed connector that declares another specificationVersion', () => {
    const fixture = join(work, 'connector-future')
    writeFutureConnector(fixture, registry.url)
    run('pnpm', ['publish', '--no-git-checks', '--access', 'restricted'], { cwd: fixture, env: consumerEnv })
    run('pnpm', ['add', '@lakeflow/connector-future'], { cwd: consumer, env: consumerEnv })
    const refused = run(join(consumer, 'node_modules/.bin/lakeflow'), ['tables', 'future'], {
      cwd: consumer,
      env: consumerEnv,
      allowFailure: true,
    })
    expect(refused.status).not.toBe(0)
    expect(refused.stderr).toContain(
      'Connector "future" implements specification version "v2", but this framework supports "v1"',
    )
    expect(refused.stderr).not.toContain('must never be created')
  })

  it('pnpm check:release flags a dropped column in a real connector snapshot until a major changeset exists', () => {
    const snapshot = globSync('connectors/*/test/__snapshots__/**/*.json', { cwd: repo })
      .sort()
      .map((file) => ({ file, tables: parseSnapshotFile(file, readFileSync(join(repo, file), 'utf8')) }))
      .find(({ tables }) => tables.length === 1 && tables[0]!.metadata !== null)
    if (!snapshot) return // no connector with schema snapshots yet: the unit tests cover the rule
    const connectorDir = snapshot.file.split('/').slice(0, 2).join('/')
    const name = publishedPackages(repo).find((p) => p.relativeDir === connectorDir)!.name
    const json = JSON.parse(readFileSync(join(repo, snapshot.file), 'utf8'))
    const keys: string[] = snapshot.tables[0]!.metadata!.primary_keys as string[]
    const dropped = json.schema.fields.find((field: { name: string }) => !keys.includes(field.name)).name
    json.schema.fields = json.schema.fields.filter((field: { name: string }) => field.name !== dropped)
    writeFileSync(join(repo, snapshot.file), `${JSON.stringify(json, null, 2)}\n`)
    const failing = run('pnpm', ['check:release', '--no-pack', '--registry', 'never'], {
      cwd: repo,
      env: repoEnv,
      allowFailure: true,
    })
    expect(failing.status).toBe(1)
    expect(failing.stdout).toContain(`FAIL ${name}`)
    expect(failing.stdout).toContain(`${snapshot.tables[0]!.table}.${dropped}: column removed`)
    writeFileSync(join(repo, '.changeset/drop-column.md'), `---\n"${name}": major\n---\n\nDrop ${dropped}\n`)
    const passing = run('pnpm', ['check:release', '--no-pack', '--registry', 'never'], {
      cwd: repo,
      env: repoEnv,
      allowFailure: true,
    })
    expect(passing.stdout).toContain(`ok   ${name}`)
    expect(passing.status).toBe(0)
  })

  it('on a fresh clone without tags, the last release comes from the registry (and a shallow clone is refused)', () => {
    const cache = new Map<string, string[]>()
    const lookup = (name: string) => {
      if (!cache.has(name)) cache.set(name, publishedVersions(name, { cwd: consumer, env: consumerEnv }))
      return cache.get(name)!
    }
    const fresh = join(work, 'fresh-clone')
    run('git', ['clone', '-q', '--no-tags', `file://${repo}`, fresh], { cwd: work, env: repoEnv })
    expect(run('git', ['tag', '--list'], { cwd: fresh, env: repoEnv }).stdout).toBe('')
    const verdicts = checkReleasePolicy({ root: fresh, lookup, checkTarballs: false })
    for (const verdict of verdicts) {
      expect(verdict.basis, verdict.name).toMatch(
        / is in the registry; released from [0-9a-f]{9}, the commit that set it$/,
      )
      expect(verdict.violations, verdict.name).toEqual([])
    }
    const core = publishedPackages(fresh).find((p) => p.name === '@lakeflow/core')!
    writeFileSync(
      join(core.dir, 'src/index.ts'),
      `${readFileSync(join(core.dir, 'src/index.ts'), 'utf8')}\n// changed\n`,
    )
    const changed = checkReleasePolicy({ root: fresh, lookup, checkTarballs: false }).find(
      (v) => v.name === '@lakeflow/core',
    )!
    expect(changed.violations[0]).toContain(
      'changed since its last release without a changeset: packages/core/src/index.ts',
    )
    const shallow = join(work, 'shallow-clone')
    run('git', ['clone', '-q', '--no-tags', '--depth', '1', `file://${repo}`, shallow], { cwd: work, env: repoEnv })
    const refused = checkReleasePolicy({ root: shallow, lookup, checkTarballs: false })
    expect(refused[0]!.violations[0]).toContain('this clone is shallow: fetch the full history')
  })

  it('pnpm release --filter takes a workspace dependency along only when its version is unpublished', () => {
    const core = publishedPackages(repo).find((p) => p.name === '@lakeflow/core')!
    const target = publishedPackages(repo).find((p) => p.name === PATCHED)!
    const filtered = (name: string) =>
      run('pnpm', ['release', '--filter', name, '--dry-run'], { cwd: repo, env: repoEnv }).stdout
    expect(filtered(PATCHED)).toContain('Nothing to publish.')
    const manifest = JSON.parse(readFileSync(join(core.dir, 'package.json'), 'utf8'))
    writeFileSync(
      join(core.dir, 'package.json'),
      `${JSON.stringify({ ...manifest, version: nextPatch(core.version) }, null, 2)}\n`,
    )
    const output = filtered(PATCHED)
    expect(output).toContain(`Would publish: @lakeflow/core@${nextPatch(core.version)}\n`)
    expect(
      PATCHED === '@lakeflow/core' || output.includes(`already in the registry: ${PATCHED}@${target.version}`),
    ).toBe(true)
    const others = publishedPackages(repo).filter((p) => p.name !== PATCHED && p.name !== '@lakeflow/core')
    for (const other of others) expect(output).not.toContain(other.name)
  })
})
