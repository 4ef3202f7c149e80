import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { releaseSelection } from '../src/publish.ts'
import { credentialKeyPrefix, registryConfig } from '../src/registry.ts'
import { createTempRepo, demoWorkspace } from './helpers/temp-repo.ts'

function workspace() {
  return createTempRepo({
    ...demoWorkspace(),
    'packages/testkit/package.json': {
      name: '@lakeflow/testkit',
      version: '0.1.0',
      dependencies: { '@lakeflow/core': 'workspace:^' },
    },
    'packages/release/package.json': { name: '@lakeflow/release', version: '0.0.0', private: true },
    'connectors/other/package.json': {
      name: '@lakeflow/connector-other',
      version: '0.2.0',
      dependencies: { '@lakeflow/core': 'workspace:^' },
      devDependencies: { '@lakeflow/testkit': 'workspace:^' },
    },
  })
}
const names = (root: string, filter?: string[]) => releaseSelection(root, filter).map((p) => p.name)

describe('what a release covers', () => {
  it('all public packages, dependencies first, without private ones', () => {
    using repo = workspace()
    const all = names(repo.root)
    expect([...all].sort()).toEqual([
      '@lakeflow/connector-demo',
      '@lakeflow/connector-other',
      '@lakeflow/core',
      '@lakeflow/testkit',
    ])
    expect(all.indexOf('@lakeflow/core')).toBeLessThan(all.indexOf('@lakeflow/connector-demo'))
  })

  it('one connector plus its runtime workspace dependencies only (dev dependencies are not shipped)', () => {
    using repo = workspace()
    expect(names(repo.root, ['@lakeflow/connector-other'])).toEqual(['@lakeflow/core', '@lakeflow/connector-other'])
  })

  it('refuses private and unknown packages by name', () => {
    using repo = workspace()
    expect(() => names(repo.root, ['@lakeflow/release'])).toThrow('@lakeflow/release is private and never published')
    expect(() => names(repo.root, ['@lakeflow/connector-nope'])).toThrow(
      'No workspace package named @lakeflow/connector-nope',
    )
  })
})

describe('registry configuration from the environment', () => {
  it('keys credentials by host and path, as npm and pnpm do', () => {
    expect(credentialKeyPrefix('https://npm.example.internal')).toBe('//npm.example.internal/')
    expect(credentialKeyPrefix('https://jfrog.example.internal/artifactory/api/npm/npm-local')).toBe(
      '//jfrog.example.internal/artifactory/api/npm/npm-local/',
    )
    expect(credentialKeyPrefix('http://127.0.0.1:4873/')).toBe('//127.0.0.1:4873/')
  })

  it('writes a user-level auth file that references the token without containing it, removed on dispose', () => {
    let file: string
    {
      using config = registryConfig({
        LAKEFLOW_REGISTRY_URL: 'https://npm.example.internal/',
        NPM_TOKEN: 'npm_SuperSecret',
      })
      file = config.env.PNPM_CONFIG_NPMRC_AUTH_FILE!
      expect(config.registryUrl).toBe('https://npm.example.internal/')
      const text = readFileSync(file, 'utf8')
      const reference = ['$', '{NPM_TOKEN}'].join('')
      expect(text).toBe(
        `@lakeflow:registry=https://npm.example.internal/\n//npm.example.internal/:_authToken=${reference}\n`,
      )
      expect(text).not.toContain('npm_SuperSecret')
    }
    expect(existsSync(file)).toBe(false)
  })

  it('leaves the environment alone without LAKEFLOW_REGISTRY_URL, and rejects a URL that is not http(s)', () => {
    using config = registryConfig({ PATH: '/bin' })
    expect(config.env).toEqual({ PATH: '/bin' })
    expect(config.registryUrl).toBeNull()
    expect(() => registryConfig({ LAKEFLOW_REGISTRY_URL: 'npm.example.internal' })).toThrow(
      'LAKEFLOW_REGISTRY_URL must be an absolute http(s) URL, got "npm.example.internal"',
    )
    expect(() => registryConfig({ LAKEFLOW_REGISTRY_URL: 'file:///tmp/registry' })).toThrow(
      'must be an http(s) URL, got protocol file:',
    )
  })
})
