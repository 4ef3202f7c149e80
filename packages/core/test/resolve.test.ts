// One connector-name resolver for every runner: each form a user may type, against real
// directories on disk (a workspace, installed packages, a runner's own node_modules).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LakeflowError, SpecVersionError } from '../src/errors/index.ts'
import {
  ConnectorNotFoundError,
  connectorPackageName,
  connectorPackageNames,
  knownConnectors,
  loadConnector,
  resolveConnector,
  workspacePackages,
} from '../src/resolve/index.ts'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

let root: string
let app: string
let runnerBin: string

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
}

/** A connector module with no imports: a plain definition object. */
function definitionModule(name: string, version = 'v1'): string {
  return `export const connector = {
  specificationVersion: '${version}', name: '${name}', packageName: '@lakeflow/connector-${name}', version: '0.0.0',
  description: '${name}', options: { type: 'object', properties: {} }, tableOptionKeys: [],
  create() { return { specificationVersion: 'v1', name: '${name}', async listTables() { return ['t'] } } },
}\n`
}

function connectorPackage(dir: string, name: string, exportsField: unknown, files: Record<string, string>): void {
  write(path.join(dir, 'package.json'), JSON.stringify({ name, type: 'module', exports: exportsField }))
  for (const [file, text] of Object.entries(files)) write(path.join(dir, file), text)
}

const SOURCE_EXPORTS = {
  '.': { '@lakeflow/source': './src/index.js', types: './dist/index.d.ts', default: './dist/index.js' },
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lakeflow-resolve-'))
  write(
    path.join(root, 'pnpm-workspace.yaml'),
    'packages:\n  - connectors/*   # the connectors\n  - "tools/**"\n  - \'!connectors/ignored\'\nallowBuilds:\n  esbuild: true\n',
  )
  // Sources only (never built): resolves through the source condition.
  connectorPackage(path.join(root, 'connectors', 'azure-devops'), '@lakeflow/connector-azure-devops', SOURCE_EXPORTS, {
    'src/index.js': definitionModule('azure-devops'),
  })
  // Built, with the source entry missing: resolves to dist.
  connectorPackage(path.join(root, 'connectors', 'built'), '@lakeflow/connector-built', SOURCE_EXPORTS, {
    'dist/index.js': definitionModule('built'),
  })
  connectorPackage(path.join(root, 'connectors', 'ignored'), '@lakeflow/connector-ignored', './index.js', {
    'index.js': definitionModule('ignored'),
  })
  connectorPackage(
    path.join(root, 'tools', 'deep', 'future'),
    '@acme/connector-future',
    { import: './f.js' },
    {
      'f.js': definitionModule('future', 'v9'),
    },
  )
  connectorPackage(path.join(root, 'connectors', 'not-one'), '@lakeflow/connector-not-one', './n.js', {
    'n.js': 'export const connector = { name: "nope" }\n',
  })
  app = path.join(root, 'app')
  connectorPackage(
    path.join(app, 'node_modules', '@lakeflow', 'connector-installed'),
    '@lakeflow/connector-installed',
    undefined,
    {
      'index.js': definitionModule('installed'),
    },
  )
  write(path.join(app, 'my-connector.mjs'), definitionModule('file'))
  // A runner installed elsewhere, with a connector beside it.
  const runner = path.join(root, 'global', 'lib', 'node_modules')
  runnerBin = path.join(runner, '@lakeflow', 'cli', 'dist', 'bin.js')
  write(runnerBin, '')
  connectorPackage(
    path.join(runner, '@lakeflow', 'connector-beside'),
    '@lakeflow/connector-beside',
    { '.': [{ node: './b.js' }] },
    {
      'b.js': definitionModule('beside'),
    },
  )
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

const at = (...parts: string[]) => path.join(root, ...parts)

describe('connector names', () => {
  it('map to packages: short, underscore, connector-x, full and other scopes', () => {
    expect(connectorPackageNames('github')).toEqual(['@lakeflow/connector-github', 'github'])
    expect(connectorPackageNames('azure_devops')).toEqual(['@lakeflow/connector-azure-devops', 'azure_devops'])
    expect(connectorPackageNames('connector-github')).toEqual(['@lakeflow/connector-github', 'connector-github'])
    expect(connectorPackageNames('@lakeflow/connector-github')).toEqual(['@lakeflow/connector-github'])
    expect(connectorPackageNames('@acme/connector-x')).toEqual(['@acme/connector-x'])
    expect(connectorPackageName('./connectors/github')).toBe('./connectors/github')
  })
})

describe('resolveConnector', () => {
  it.each([
    ['the short name', 'azure-devops'],
    ["the Python connectors' underscore form", 'azure_devops'],
    ['connector-x', 'connector-azure-devops'],
    ['the full package name', '@lakeflow/connector-azure-devops'],
  ])('finds a workspace package by %s, from its sources', (_label, name) => {
    expect(resolveConnector(name, { cwd: app })).toEqual({
      file: at('connectors', 'azure-devops', 'src', 'index.js'),
      packageName: '@lakeflow/connector-azure-devops',
      via: 'workspace package',
    })
  })

  it('finds a package directory through its exports: the source entry when present, else the built one', () => {
    expect(resolveConnector('../connectors/azure-devops', { cwd: app })).toMatchObject({
      file: at('connectors', 'azure-devops', 'src', 'index.js'),
      via: 'package directory',
    })
    expect(resolveConnector(at('connectors', 'built'), { cwd: app }).file).toBe(
      at('connectors', 'built', 'dist', 'index.js'),
    )
    expect(resolveConnector('built', { cwd: app }).file).toBe(at('connectors', 'built', 'dist', 'index.js'))
    // A relative path with a separator is a path even without ./
    expect(resolveConnector('connectors/azure-devops', { cwd: root }).via).toBe('package directory')
  })

  it('finds module files: relative, absolute, bare file names and file: URLs', () => {
    const file = path.join(app, 'my-connector.mjs')
    expect(resolveConnector('./my-connector.mjs', { cwd: app })).toEqual({ file, via: 'module file' })
    expect(resolveConnector(file, { cwd: root }).file).toBe(file)
    expect(resolveConnector('my-connector.mjs', { cwd: app }).file).toBe(file)
    expect(resolveConnector(pathToFileURL(file).href, { cwd: root }).file).toBe(file)
  })

  it('finds installed packages in the project, then beside the runner', () => {
    expect(resolveConnector('installed', { cwd: path.join(app, 'sub', 'dir') })).toEqual({
      file: at('app', 'node_modules', '@lakeflow', 'connector-installed', 'index.js'),
      packageName: '@lakeflow/connector-installed',
      via: 'installed package',
    })
    expect(() => resolveConnector('beside', { cwd: app })).toThrow(/not installed/)
    expect(resolveConnector('beside', { cwd: app, searchFrom: [runnerBin] }).file).toBe(
      at('global', 'lib', 'node_modules', '@lakeflow', 'connector-beside', 'b.js'),
    )
  })

  it('reads the workspace patterns: dir/*, dir/** and exclusions', () => {
    expect([...workspacePackages(app).keys()].sort()).toEqual([
      '@acme/connector-future',
      '@lakeflow/connector-azure-devops',
      '@lakeflow/connector-built',
      '@lakeflow/connector-not-one',
    ])
    expect(resolveConnector('@acme/connector-future', { cwd: app }).file).toBe(at('tools', 'deep', 'future', 'f.js'))
    expect(() => resolveConnector('ignored', { cwd: app })).toThrow(ConnectorNotFoundError)
  })

  it('refuses an unknown name with the closest known connector and the known ones', () => {
    let error: unknown
    try {
      resolveConnector('azure_devop', { cwd: app, searchFrom: [runnerBin], hint: 'or name a connection' })
    } catch (caught) {
      error = caught
    }
    expect(ConnectorNotFoundError.isInstance(error)).toBe(true)
    const notFound = error as ConnectorNotFoundError
    expect(notFound.category).toBe('config')
    expect(notFound.packageName).toBe('@lakeflow/connector-azure-devop')
    expect(notFound.suggestion).toBe('azure-devops')
    expect(notFound.known).toEqual([
      '@acme/connector-future',
      'azure-devops',
      'beside',
      'built',
      'installed',
      'not-one',
    ])
    expect(notFound.message).toBe(
      `Unknown connector "azure_devop": package @lakeflow/connector-azure-devop is not installed in ${app}, its workspace or next to the runner; did you mean "azure-devops"? Known connectors: @acme/connector-future, azure-devops, beside, built, installed, not-one. Install it with \`pnpm add @lakeflow/connector-azure-devop\`, or name a connection`,
    )
    expect(knownConnectors({ cwd: tmpdir() })).not.toContain('azure-devops')
    expect(() => resolveConnector('zzzzzzzz', { cwd: app })).toThrow(
      /is not installed in .*, its workspace or next to the runner\. Known connectors: @acme\/connector-future, azure-devops, built, installed, not-one\. Install it with `pnpm add @lakeflow\/connector-zzzzzzzz`$/,
    )
  })

  it('refuses a path that does not exist, naming it', () => {
    expect(() => resolveConnector('./nope.ts', { cwd: app })).toThrow(
      `Unknown connector "./nope.ts": there is no file or directory ${path.join(app, 'nope.ts')}`,
    )
    expect(() => resolveConnector(path.join(app, 'node_modules'), { cwd: app })).toThrow(
      /without a readable package.json/,
    )
  })

  it('inside this repository, workspace connectors resolve by name to their sources', () => {
    expect(resolveConnector('github', { cwd: REPO_ROOT })).toEqual({
      file: path.join(REPO_ROOT, 'connectors', 'github', 'src', 'index.ts'),
      packageName: '@lakeflow/connector-github',
      via: 'workspace package',
    })
    expect(knownConnectors({ cwd: path.join(REPO_ROOT, 'packages', 'core') })).toEqual(
      expect.arrayContaining(['example', 'github']),
    )
  })
})

describe('loadConnector', () => {
  it('imports the definition and checks what it exports', async () => {
    const loaded = await loadConnector('azure_devops', app)
    expect(loaded.definition.name).toBe('azure-devops')
    expect(loaded.file).toBe(at('connectors', 'azure-devops', 'src', 'index.js'))
    expect((await loadConnector('beside', app, [runnerBin])).definition.name).toBe('beside')
    await expect(loadConnector('@acme/connector-future', app)).rejects.toSatisfy((error) =>
      SpecVersionError.isInstance(error),
    )
    await expect(loadConnector('not-one', app)).rejects.toSatisfy(
      (error) => LakeflowError.isInstance(error) && /does not export a connector definition/.test(String(error)),
    )
    write(path.join(app, 'broken.mjs'), 'export const connector = (\n')
    await expect(loadConnector('./broken.mjs', app)).rejects.toThrow(/Cannot load connector "\.\/broken\.mjs" from /)
  })
})
