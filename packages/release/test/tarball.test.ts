import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packFileList, tarballProblems } from '../src/tarball.ts'

/** A package directory on disk; `pnpm pack --dry-run` decides what would ship. */
function fixturePackage(files: Record<string, string>, manifest: object = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lakeflow-tarball-'))
  const all = {
    'package.json': JSON.stringify({ name: '@lakeflow/fixture', version: '1.0.0', files: ['dist'], ...manifest }),
    ...files,
  }
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return {
    dir,
    problems: () => tarballProblems(dir, packFileList(dir)),
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  }
}

const map = (sources: string[], sourcesContent?: string[]) =>
  JSON.stringify({ version: 3, sources, sourcesContent, mappings: '' })

describe('tarball contents', () => {
  it('lists what pnpm would pack and passes a dist-only package', () => {
    using fixture = fixturePackage({ 'dist/index.js': 'export {}', 'src/index.ts': 'export {}', 'test/a.test.ts': '' })
    expect(packFileList(fixture.dir)).toEqual(['dist/index.js', 'package.json'])
    expect(fixture.problems()).toEqual([])
  })

  it('fails when tests or fixtures would ship', () => {
    using fixture = fixturePackage(
      { 'dist/index.js': '', 'test/contract.test.ts': '', 'dist/fixtures/a.json': '{}', 'dist/x.spec.js': '' },
      { files: ['dist', 'test'] },
    )
    const problems = fixture.problems()
    expect(problems).toContain(
      'test/contract.test.ts would be published (matches test/**: tests, fixtures and corpora never ship)',
    )
    expect(problems.some((problem) => problem.startsWith('dist/fixtures/a.json would be published'))).toBe(true)
    expect(problems.some((problem) => problem.startsWith('dist/x.spec.js would be published'))).toBe(true)
  })

  it('fails when a simulator corpus would ship', () => {
    using fixture = fixturePackage(
      {
        'dist/index.js': '',
        'dist/corpus/load-corpus.js': '',
        'dist/corpus/load-corpus.d.ts': '',
        'simulator/corpus/issues.json': '[]',
      },
      { files: ['dist', 'simulator'] },
    )
    expect(fixture.problems()).toEqual([
      'simulator/corpus/issues.json would be published (matches **/{corpus,corpora}/**/*.{json,jsonl,ndjson,csv,tsv,txt,gz,yaml,yml}: tests, fixtures and corpora never ship)',
    ])
  })

  it('fails on source maps that point into unpublished src, passes when sources are embedded or shipped', () => {
    using broken = fixturePackage({
      'dist/index.js': '',
      'dist/index.js.map': map(['../src/index.ts']),
      'src/index.ts': '',
    })
    expect(broken.problems()).toEqual(['dist/index.js.map points at sources that are not published: src/index.ts'])
    using embedded = fixturePackage({
      'dist/index.js': '',
      'dist/index.js.map': map(['../src/index.ts'], ['export {}']),
    })
    expect(embedded.problems()).toEqual([])
    using shipped = fixturePackage(
      { 'dist/index.js': '', 'dist/index.js.map': map(['../src/index.ts']), 'src/index.ts': '' },
      { files: ['dist', 'src'] },
    )
    expect(shipped.problems()).toEqual([])
  })

  it('fails when the package was not built', () => {
    using fixture = fixturePackage({ 'src/index.ts': '' })
    expect(fixture.problems()).toEqual(['the tarball holds no build output: run the build first (pnpm build)'])
  })

  it('fails when a bin points at a file the tarball lacks', () => {
    using fixture = fixturePackage(
      { 'dist/index.js': '', 'dist/bin/tool.js': '#!/usr/bin/env node\n' },
      { bin: { tool: './dist/bin/tool.js', gone: './dist/bin/gone.js' } },
    )
    expect(fixture.problems()).toEqual(['bin gone points at ./dist/bin/gone.js, which is not in the tarball'])
  })
})
