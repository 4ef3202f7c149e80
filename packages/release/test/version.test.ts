import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readChangesets } from '../src/changesets.ts'
import { versionPackages, workspaceRangeAllows } from '../src/version.ts'
import { listWorkspacePackages } from '../src/workspace.ts'
import { createTempRepo, demoWorkspace } from './helpers/temp-repo.ts'

/** The demo workspace plus a second connector, with changesets' default changelog off (no install in a temp repo). */
function repoWithChangesets(changesets: Record<string, string>) {
  return createTempRepo({
    ...demoWorkspace(),
    '.changeset/config.json': {
      baseBranch: 'main',
      access: 'restricted',
      changelog: false,
      commit: false,
      fixed: [],
      linked: [],
      updateInternalDependencies: 'minor',
      ignore: [],
    },
    'connectors/other/package.json': {
      name: '@lakeflow/connector-other',
      version: '0.3.0',
      dependencies: { '@lakeflow/core': 'workspace:^' },
    },
    ...Object.fromEntries(Object.entries(changesets).map(([file, text]) => [`.changeset/${file}`, text])),
  })
}
const versions = (root: string) => Object.fromEntries(listWorkspacePackages(root).map((p) => [p.name, p.version]))
const pending = (root: string) =>
  Object.fromEntries(readChangesets(root).map((changeset) => [changeset.file, Object.fromEntries(changeset.releases)]))

describe('scoped versioning', () => {
  it("applies only the scope's changesets and leaves the rest pending, splitting mixed ones", () => {
    using repo = repoWithChangesets({
      'core-minor.md': '---\n"@lakeflow/core": minor\n---\n\nCore feature\n',
      'demo-fix.md': '---\n"@lakeflow/connector-demo": patch\n---\n\nDemo fix\n',
      'mixed.md': '---\n"@lakeflow/connector-demo": minor\n"@lakeflow/connector-other": patch\n---\n\nBoth\n',
    })
    const result = versionPackages(repo.root, ['@lakeflow/connector-demo'])
    expect(Object.fromEntries(result.bumped)).toEqual({ '@lakeflow/connector-demo': ['1.0.0', '1.1.0'] })
    expect(versions(repo.root)).toEqual({
      '@lakeflow/core': '0.1.0',
      '@lakeflow/connector-demo': '1.1.0',
      '@lakeflow/connector-other': '0.3.0',
    })
    expect(pending(repo.root)).toEqual({
      'core-minor.md': { '@lakeflow/core': 'minor' },
      'mixed.md': { '@lakeflow/connector-other': 'patch' },
    })
    expect(readFileSync(join(repo.root, '.changeset/mixed.md'), 'utf8')).toBe(
      '---\n"@lakeflow/connector-other": patch\n---\n\nBoth\n',
    )
    expect(result.followUps).toEqual([])
    expect(result.commit).toBeNull()
  })

  it('queues a patch changeset for dependents a bump leaves out of range, and commits', () => {
    using repo = repoWithChangesets({ 'core-minor.md': '---\n"@lakeflow/core": minor\n---\n\nCore feature\n' })
    const result = versionPackages(repo.root, ['@lakeflow/core'], { commit: true })
    expect(Object.fromEntries(result.bumped)).toEqual({ '@lakeflow/core': ['0.1.0', '0.2.0'] })
    expect(versions(repo.root)['@lakeflow/connector-demo']).toBe('1.0.0')
    expect(result.followUps).toEqual(['@lakeflow/connector-demo', '@lakeflow/connector-other'])
    const queued = readChangesets(repo.root)
    expect(queued.map((changeset) => [Object.fromEntries(changeset.releases), changeset.summary])).toEqual([
      [{ '@lakeflow/connector-demo': 'patch' }, 'Depend on @lakeflow/core@0.2.0.'],
      [{ '@lakeflow/connector-other': 'patch' }, 'Depend on @lakeflow/core@0.2.0.'],
    ])
    expect(repo.git('log', '-1', '--format=%s')).toBe('Version @lakeflow/core@0.2.0')
    expect(repo.git('status', '--porcelain')).toBe('')
    expect(existsSync(join(repo.root, '.changeset/core-minor.md'))).toBe(false)
  })

  it('does nothing, and commits nothing, without changesets for the scope', () => {
    using repo = repoWithChangesets({ 'core-minor.md': '---\n"@lakeflow/core": minor\n---\n\nCore feature\n' })
    const head = repo.git('rev-parse', 'HEAD')
    const result = versionPackages(repo.root, ['@lakeflow/connector-other'], { commit: true })
    expect(result.bumped.size).toBe(0)
    expect(repo.git('rev-parse', 'HEAD')).toBe(head)
  })

  it('names the packages that exist when the scope does not', () => {
    using repo = repoWithChangesets({})
    expect(() => versionPackages(repo.root, ['@lakeflow/connector-nope'])).toThrow(
      'No workspace package named @lakeflow/connector-nope; expected one of: @lakeflow/core, @lakeflow/connector-demo, @lakeflow/connector-other',
    )
  })
})

describe('workspace ranges as pnpm publishes them', () => {
  it.each([
    ['workspace:^', '0.1.0', '0.1.5', true],
    ['workspace:^', '0.1.0', '0.2.0', false],
    ['workspace:^', '1.2.0', '1.9.0', true],
    ['workspace:^', '1.2.0', '2.0.0', false],
    ['workspace:^', '0.0.3', '0.0.4', false],
    ['workspace:~', '1.2.0', '1.2.7', true],
    ['workspace:~', '1.2.0', '1.3.0', false],
    ['workspace:*', '1.2.0', '1.2.1', false],
    ['^1.0.0', '1.0.0', '3.0.0', true],
  ])('%s from %s allows %s: %s', (specifier, previous, next, allowed) => {
    expect(workspaceRangeAllows(specifier, previous, next)).toBe(allowed)
  })
})
