import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A throwaway git repository holding a small pnpm workspace, removed on dispose. */
export interface TempRepo extends Disposable {
  readonly root: string
  /** Writes files (path → content; objects are written as JSON). */
  write(files: Record<string, string | object>): void
  /** Runs git in the repository and returns its output. */
  git(...args: string[]): string
  /** Stages everything and commits; returns the commit id. */
  commit(message: string): string
}

/** Creates a temp repo (real git, branch `main`) seeded with `files` and committed once when `files` is non-empty. */
export function createTempRepo(files: Record<string, string | object> = {}): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'lakeflow-release-repo-'))
  execFileSync('git', ['init', '-q', '-b', 'main', root])
  const repo = wrap(root)
  if (Object.keys(files).length > 0) {
    repo.write(files)
    repo.commit('initial')
  }
  return repo
}

/** Clones `source` into a new temp directory with `git clone <cloneArgs>` (e.g. `--no-tags`, `--depth 1`). */
export function cloneTempRepo(source: string, cloneArgs: string[] = []): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'lakeflow-release-clone-'))
  execFileSync('git', ['clone', '-q', ...cloneArgs, source, root], { stdio: ['ignore', 'pipe', 'pipe'] })
  return wrap(root)
}

function wrap(root: string): TempRepo {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  git('config', 'user.name', 'Release Test')
  git('config', 'user.email', 'release-test@example.invalid')
  git('config', 'commit.gpgsign', 'false')
  const repo: TempRepo = {
    root,
    write(entries) {
      for (const [path, content] of Object.entries(entries)) {
        const file = join(root, path)
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`)
      }
    },
    git,
    commit(message) {
      git('add', '-A')
      git('commit', '-q', '--allow-empty', '-m', message)
      return git('rev-parse', 'HEAD')
    },
    [Symbol.dispose]() {
      rmSync(root, { recursive: true, force: true })
    },
  }
  return repo
}

/** A struct field in Spark JSON. */
export const field = (name: string, type: unknown, nullable = true) => ({ name, type, nullable, metadata: {} })

/** A table snapshot file in the `{schema, metadata}` shape. */
export const tableSnapshot = (fields: object[], metadata: object) => ({ schema: { type: 'struct', fields }, metadata })

/** A minimal workspace: `@lakeflow/core` and `@lakeflow/connector-demo` (depends on core), with one schema snapshot. */
export function demoWorkspace(): Record<string, string | object> {
  return {
    'package.json': { name: 'root', private: true },
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - connectors/*\n',
    '.gitignore': 'node_modules\n',
    '.changeset/config.json': { baseBranch: 'main', access: 'restricted', fixed: [], linked: [], ignore: [] },
    'packages/core/package.json': { name: '@lakeflow/core', version: '0.1.0', files: ['dist'] },
    'packages/core/src/index.ts': 'export const core = 1\n',
    'packages/core/dist/index.js': 'export const core = 1\n',
    'connectors/demo/package.json': {
      name: '@lakeflow/connector-demo',
      version: '1.0.0',
      files: ['dist'],
      dependencies: { '@lakeflow/core': 'workspace:^' },
    },
    'connectors/demo/src/index.ts': 'export const demo = 1\n',
    'connectors/demo/dist/index.js': 'export const demo = 1\n',
    'connectors/demo/test/contract.test.ts': '// tests\n',
    'connectors/demo/test/__snapshots__/issues.json': tableSnapshot(
      [
        field('id', 'long', false),
        field('title', 'string'),
        field('user', { type: 'struct', fields: [field('login', 'string'), field('id', 'long')] }),
        field('labels', { type: 'array', elementType: 'string', containsNull: true }),
        field('updated_at', 'timestamp'),
      ],
      { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
    ),
  }
}
