import { describe, expect, it } from 'vitest'
import { checkReleasePolicy, type PackageVerdict } from '../src/policy.ts'
import { cloneTempRepo, createTempRepo, demoWorkspace, field, tableSnapshot } from './helpers/temp-repo.ts'

const verdictOf = (verdicts: PackageVerdict[], name: string) => verdicts.find((verdict) => verdict.name === name)!
const check = (root: string) => checkReleasePolicy({ root, lookup: null, checkTarballs: false })

const ISSUES = 'connectors/demo/test/__snapshots__/issues.json'
const issuesWith = (fields: object[], metadata: object = {}) =>
  tableSnapshot(fields, { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc', ...metadata })
const BASE_FIELDS = [
  field('id', 'long', false),
  field('title', 'string'),
  field('user', { type: 'struct', fields: [field('login', 'string'), field('id', 'long')] }),
  field('labels', { type: 'array', elementType: 'string', containsNull: true }),
  field('updated_at', 'timestamp'),
]

/** A demo workspace whose core and connector were released (tagged) at the first commit. */
function releasedRepo() {
  const repo = createTempRepo(demoWorkspace())
  repo.git('tag', '@lakeflow/core@0.1.0')
  repo.git('tag', '@lakeflow/connector-demo@1.0.0')
  return repo
}

describe('changed since the last release needs a changeset', () => {
  it('passes right after a release', () => {
    using repo = releasedRepo()
    const verdicts = check(repo.root)
    expect(verdicts.map((verdict) => verdict.violations)).toEqual([[], []])
    expect(verdictOf(verdicts, '@lakeflow/core').basis).toMatch(/^released as tag @lakeflow\/core@0\.1\.0 /)
  })

  it('fails for a committed source change without a changeset, naming the file and the fix', () => {
    using repo = releasedRepo()
    repo.write({ 'connectors/demo/src/index.ts': 'export const demo = 2\n' })
    repo.commit('change demo')
    const verdicts = check(repo.root)
    expect(verdictOf(verdicts, '@lakeflow/core').violations).toEqual([])
    const [violation] = verdictOf(verdicts, '@lakeflow/connector-demo').violations
    expect(violation).toContain('changed since its last release without a changeset: connectors/demo/src/index.ts')
    expect(violation).toContain('pnpm exec changeset --patch @lakeflow/connector-demo')
  })

  it('also sees uncommitted and untracked changes', () => {
    using repo = releasedRepo()
    repo.write({ 'packages/core/src/new-file.ts': 'export {}\n' })
    expect(verdictOf(check(repo.root), '@lakeflow/core').violations[0]).toContain('packages/core/src/new-file.ts')
  })

  it('passes once a changeset names the package, and only for that package', () => {
    using repo = releasedRepo()
    repo.write({
      'connectors/demo/src/index.ts': 'export const demo = 2\n',
      'packages/core/src/index.ts': 'export const core = 2\n',
      '.changeset/demo-fix.md': '---\n"@lakeflow/connector-demo": patch\n---\n\nFix demo\n',
    })
    const verdicts = check(repo.root)
    expect(verdictOf(verdicts, '@lakeflow/connector-demo').violations).toEqual([])
    expect(verdictOf(verdicts, '@lakeflow/core').violations).toHaveLength(1)
  })

  it('ignores tests, snapshots additions and docs', () => {
    using repo = releasedRepo()
    repo.write({ 'connectors/demo/test/contract.test.ts': '// more tests\n', 'connectors/demo/README.md': '# demo\n' })
    expect(verdictOf(check(repo.root), '@lakeflow/connector-demo').violations).toEqual([])
  })

  it('compares against the tag of the current version, not an older one', () => {
    using repo = releasedRepo()
    repo.write({
      'connectors/demo/src/index.ts': 'export const demo = 2\n',
      'connectors/demo/package.json': {
        ...(demoWorkspace()['connectors/demo/package.json'] as object),
        version: '1.0.1',
      },
    })
    repo.commit('release 1.0.1')
    repo.git('tag', '@lakeflow/connector-demo@1.0.1')
    expect(verdictOf(check(repo.root), '@lakeflow/connector-demo').violations).toEqual([])
  })

  it('counts a version without tag or registry as never released (fresh clone without tags)', () => {
    using origin = releasedRepo()
    using clone = cloneTempRepo(`file://${origin.root}`, ['--no-tags'])
    expect(clone.git('tag', '--list')).toBe('')
    clone.write({ 'connectors/demo/src/index.ts': 'export const demo = 2\n' })
    const verdict = verdictOf(check(clone.root), '@lakeflow/connector-demo')
    expect(verdict.basis).toBe(
      '1.0.0 not released yet (no tag @lakeflow/connector-demo@1.0.0 and no registry configured)',
    )
    expect(verdict.violations).toEqual([])
  })
})

describe('breaking table schema changes need a major changeset', () => {
  const breakingCases: [string, object, string][] = [
    [
      'a dropped column',
      issuesWith(BASE_FIELDS.filter((f) => (f as { name: string }).name !== 'title')),
      'issues.title: column removed (string -> (none))',
    ],
    [
      'a retyped nested column',
      issuesWith(
        BASE_FIELDS.map((f) =>
          (f as { name: string }).name === 'user'
            ? field('user', { type: 'struct', fields: [field('login', 'long'), field('id', 'long')] })
            : f,
        ),
      ),
      'issues.user.login: column retyped (string -> long)',
    ],
    [
      'a retyped array element',
      issuesWith(
        BASE_FIELDS.map((f) =>
          (f as { name: string }).name === 'labels'
            ? field('labels', { type: 'array', elementType: 'long', containsNull: true })
            : f,
        ),
      ),
      'issues.labels[]: column retyped (string -> long)',
    ],
    [
      'changed primary keys',
      issuesWith(BASE_FIELDS, { primary_keys: ['id', 'title'] }),
      'issues.primary_keys: metadata changed (["id"] -> ["id","title"])',
    ],
    [
      'a changed cursor',
      issuesWith(BASE_FIELDS, { cursor_field: 'id' }),
      'issues.cursor_field: metadata changed ("updated_at" -> "id")',
    ],
    [
      'a changed ingestion type',
      issuesWith(BASE_FIELDS, { ingestion_type: 'snapshot' }),
      'issues.ingestion_type: metadata changed ("cdc" -> "snapshot")',
    ],
    [
      'a non-null column made nullable',
      issuesWith([field('id', 'long', true), ...BASE_FIELDS.slice(1)]),
      'issues.id: column became nullable (not null -> nullable)',
    ],
  ]

  for (const [name, snapshot, expected] of breakingCases) {
    it(`fails on ${name} with only a minor changeset, passes with a major one`, () => {
      using repo = releasedRepo()
      repo.write({
        [ISSUES]: snapshot,
        '.changeset/change.md': '---\n"@lakeflow/connector-demo": minor\n---\n\nChange\n',
      })
      const [violation] = verdictOf(check(repo.root), '@lakeflow/connector-demo').violations
      expect(violation).toContain('breaking table changes since its last release need a major changeset (found minor)')
      expect(violation).toContain(expected)
      repo.write({ '.changeset/change.md': '---\n"@lakeflow/connector-demo": major\n---\n\nChange\n' })
      expect(verdictOf(check(repo.root), '@lakeflow/connector-demo').violations).toEqual([])
    })
  }

  it('fails when a whole table snapshot disappears', () => {
    using repo = releasedRepo()
    repo.git('rm', '-q', ISSUES)
    repo.write({
      'connectors/demo/src/index.ts': 'export const demo = 2\n',
      '.changeset/x.md': '---\n"@lakeflow/connector-demo": minor\n---\n\nx\n',
    })
    expect(verdictOf(check(repo.root), '@lakeflow/connector-demo').violations[0]).toContain('issues: table removed')
  })

  it('accepts an added column or table without a major changeset', () => {
    using repo = releasedRepo()
    repo.write({
      [ISSUES]: issuesWith([...BASE_FIELDS, field('body', 'string')]),
      'connectors/demo/test/__snapshots__/comments.json': issuesWith(BASE_FIELDS),
    })
    expect(verdictOf(check(repo.root), '@lakeflow/connector-demo').violations).toEqual([])
  })

  it('reads snapshots from a configurable folder and shape (bare StructType, table named by file)', () => {
    using repo = createTempRepo({
      ...demoWorkspace(),
      'connectors/demo/schemas/events.json': { type: 'struct', fields: [field('id', 'long'), field('kind', 'string')] },
    })
    repo.git('tag', '@lakeflow/connector-demo@1.0.0')
    repo.write({ 'connectors/demo/schemas/events.json': { type: 'struct', fields: [field('id', 'string')] } })
    const run = (snapshotGlobs: string[]) =>
      verdictOf(
        checkReleasePolicy({ root: repo.root, lookup: null, checkTarballs: false, snapshotGlobs }),
        '@lakeflow/connector-demo',
      )
    expect(run(['test/__snapshots__/*.json']).violations.filter((v) => v.includes('breaking'))).toEqual([])
    const [violation] = run(['schemas/*.json']).violations.filter((v) => v.includes('breaking'))
    expect(violation).toContain('events.id: column retyped (long -> string)')
    expect(violation).toContain('events.kind: column removed')
  })
})
