import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { main as genWorkflows } from '../src/commands/gen-workflows.ts'
import { GENERATED_MARKER, REUSABLE_WORKFLOW, syncWorkflows } from '../src/workflows.ts'
import { createTempRepo, demoWorkspace } from './helpers/temp-repo.ts'

const REPO_ROOT = join(import.meta.dirname, '../../..')
/** Parsed YAML, inspected structurally. */
type Yaml = any
const readYaml = (root: string, file: string): Yaml => parseYaml(readFileSync(join(root, file), 'utf8'))
/** `${{ expression }}` (spelled without a template placeholder in this source). */
const actions = (expression: string) => `$${'{'}{ ${expression} }}`
/** `"${name[@]}"`, a bash array expansion. */
const bashArray = (name: string) => `"$${'{'}${name}[@]}"`
const TOKEN_EXPRESSION = actions('secrets.NPM_TOKEN')

function workspaceWithTwoConnectors() {
  return createTempRepo({
    ...demoWorkspace(),
    'packages/testkit/package.json': {
      name: '@lakeflow/testkit',
      version: '0.1.0',
      dependencies: { '@lakeflow/core': 'workspace:^' },
    },
    'packages/release/package.json': { name: '@lakeflow/release', version: '0.0.0', private: true },
    'connectors/other/package.json': { name: '@lakeflow/connector-other', version: '0.1.0' },
  })
}

describe('generated per-connector release workflows', () => {
  it('triggers on the connector and the workspace packages it needs, and calls the reusable workflow', () => {
    using repo = workspaceWithTwoConnectors()
    expect(genWorkflows([], () => {}, repo.root)).toBe(0)
    const files = readdirSync(join(repo.root, '.github/workflows')).sort()
    expect(files).toEqual(['release-connector-demo.yml', 'release-connector-other.yml', 'release-packages.yml'])
    const text = readFileSync(join(repo.root, '.github/workflows/release-connector-demo.yml'), 'utf8')
    expect(text.startsWith(GENERATED_MARKER)).toBe(true)
    const workflow = parseYaml(text)
    expect(workflow.on.push).toEqual({
      branches: ['main'],
      paths: [
        'connectors/demo/**',
        'packages/core/**',
        REUSABLE_WORKFLOW,
        '.github/workflows/release-connector-demo.yml',
      ],
    })
    expect(workflow.on).toHaveProperty('workflow_dispatch')
    expect(workflow.permissions).toEqual({ contents: 'write' })
    expect(workflow.concurrency).toEqual({ group: 'release-connector-demo', 'cancel-in-progress': false })
    expect(workflow.jobs).toEqual({
      release: {
        uses: `./${REUSABLE_WORKFLOW}`,
        with: { packages: '@lakeflow/connector-demo', 'test-projects': 'connector-demo' },
        secrets: { NPM_TOKEN: TOKEN_EXPRESSION },
      },
    })
    const other = readYaml(repo.root, '.github/workflows/release-connector-other.yml')
    expect(other.on.push.paths).toEqual([
      'connectors/other/**',
      REUSABLE_WORKFLOW,
      '.github/workflows/release-connector-other.yml',
    ])
    const framework = readYaml(repo.root, '.github/workflows/release-packages.yml')
    expect(framework.jobs.release.with).toEqual({
      packages: '@lakeflow/core @lakeflow/testkit',
      'test-projects': 'core testkit',
    })
    expect(framework.on.push.paths.slice(0, 2)).toEqual(['packages/core/**', 'packages/testkit/**'])
  })

  it('--check passes when up to date and fails on edited, missing and stale workflows', () => {
    using repo = workspaceWithTwoConnectors()
    genWorkflows([], () => {}, repo.root)
    const lines: string[] = []
    const check = () => {
      lines.length = 0
      return genWorkflows(['--check'], (line) => lines.push(line), repo.root)
    }
    expect(check()).toBe(0)
    repo.write({ '.github/workflows/release-connector-demo.yml': `${GENERATED_MARKER}\nname: edited by hand\n` })
    repo.write({ 'connectors/third/package.json': { name: '@lakeflow/connector-third', version: '0.1.0' } })
    rmSync(join(repo.root, 'connectors/other'), { recursive: true })
    expect(check()).toBe(1)
    expect(lines.join('\n')).toBe(
      [
        'Release workflows drifted from the package list:',
        '  missing: .github/workflows/release-connector-third.yml',
        '  out of date: .github/workflows/release-connector-demo.yml',
        '  stale (its package is gone): .github/workflows/release-connector-other.yml',
        'Run: node scripts/gen-workflows.ts',
      ].join('\n'),
    )
    expect(genWorkflows([], () => {}, repo.root)).toBe(0)
    expect(check()).toBe(0)
    expect(syncWorkflows(repo.root, { check: true })).toEqual({ missing: [], outdated: [], stale: [] })
    expect(readdirSync(join(repo.root, '.github/workflows')).sort()).toEqual([
      'release-connector-demo.yml',
      'release-connector-third.yml',
      'release-packages.yml',
    ])
  })

  it("this repository's generated workflows are up to date", () => {
    expect(syncWorkflows(REPO_ROOT, { check: true })).toEqual({ missing: [], outdated: [], stale: [] })
  })
})

/** Every string in a parsed YAML value. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.values(value).flatMap(strings)
      : []

describe('the reusable release workflow', () => {
  const workflow = readYaml(REPO_ROOT, REUSABLE_WORKFLOW)
  const stepNamed = (job: Yaml, fragment: string) =>
    job.steps.find((step: Yaml) => String(step.name ?? '').includes(fragment))

  it('is a workflow_call with the inputs and the one secret the callers pass', () => {
    const call = workflow.on.workflow_call
    expect(Object.keys(workflow.on)).toEqual(['workflow_call'])
    expect(call.inputs.packages).toMatchObject({ required: true, type: 'string' })
    expect(call.inputs['test-projects']).toMatchObject({ required: true, type: 'string' })
    expect(Object.keys(call.secrets)).toEqual(['NPM_TOKEN'])
    expect(call.secrets.NPM_TOKEN.required).toBe(true)
  })

  it('installs with scripts/setup.sh and runs the test projects before anything is versioned', () => {
    const { test, release } = workflow.jobs
    expect(test.permissions).toEqual({ contents: 'read' })
    expect(test.steps.map((step: Yaml) => step.uses ?? step.run)).toContain('bash scripts/setup.sh')
    const run = stepNamed(test, 'test projects')
    expect(run.env.TEST_PROJECTS).toBe(actions('inputs.test-projects'))
    expect(run.run).toContain(`vitest run ${bashArray('args')}`)
    expect(run.run).toContain('args+=(--project "$project")')
    expect(release.needs).toBe('test')
  })

  it('versions, pushes, publishes with pnpm release, then pushes tags, in that order', () => {
    const { release } = workflow.jobs
    expect(release.permissions).toEqual({ contents: 'write' })
    expect(release.steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { ref: 'main', 'fetch-depth': 0 } })
    const names = release.steps.map((step: Yaml) => step.name ?? step.uses)
    const order = ['Install', 'Version', 'Push the version commit', 'Publish', 'Push the release tags'].map(
      (fragment) => names.findIndex((name: string) => name.includes(fragment)),
    )
    expect(order.every((index) => index >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(stepNamed(release, 'Version').run).toContain(
      `node scripts/release-version.ts ${bashArray('filters')} --commit`,
    )
    expect(stepNamed(release, 'Publish').run).toContain(`pnpm release ${bashArray('filters')}`)
    expect(release.env.LAKEFLOW_REGISTRY_URL).toBe(actions('vars.LAKEFLOW_REGISTRY_URL'))
  })

  it('exposes the token to the publish step only, and never asks for an OIDC token (no provenance)', () => {
    const holders = Object.entries(workflow.jobs).flatMap(([jobName, job]: [string, Yaml]) =>
      job.steps
        .filter((step: Yaml) => strings(step).some((s) => s.includes('secrets.')))
        .map((step: Yaml) => `${jobName}/${step.name}`),
    )
    expect(holders).toEqual(['release/Publish unpublished versions'])
    expect(stepNamed(workflow.jobs.release, 'Publish').env).toEqual({ NPM_TOKEN: TOKEN_EXPRESSION })
    expect(strings(workflow).some((s) => s.includes('--provenance'))).toBe(false)
    for (const job of Object.values(workflow.jobs) as Yaml[]) expect(job.permissions).not.toHaveProperty('id-token')
    expect(workflow.permissions).toEqual({ contents: 'read' })
  })

  it('is called with exactly its declared inputs by every generated workflow', () => {
    const declared = Object.keys(workflow.on.workflow_call.inputs).sort()
    const callers = readdirSync(join(REPO_ROOT, '.github/workflows')).filter(
      (file) => file.startsWith('release-') && file !== 'release-package.yml',
    )
    expect(callers.length).toBeGreaterThan(0)
    for (const file of callers) {
      const job = readYaml(REPO_ROOT, `.github/workflows/${file}`).jobs.release
      expect(job.uses).toBe(`./${REUSABLE_WORKFLOW}`)
      expect(Object.keys(job.with).sort()).toEqual(declared)
      expect(job.with['test-projects'].trim()).not.toBe('')
    }
  })
})
