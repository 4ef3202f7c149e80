import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The npm scope every published package of this repository lives in. */
export const SCOPE = '@lakeflow'

/**
 * Registry configuration for child `pnpm` processes, derived from the environment.
 *
 * pnpm 12 expands `${VAR}` only in *user-level* config: a committed project `.npmrc` may not
 * take its registry URL or token from the environment (ERR_PNPM_REGISTRY_ENV_NOT_EXPANDED).
 * So when `LAKEFLOW_REGISTRY_URL` is set, this writes a user-level auth file that maps the
 * `@lakeflow` scope to that URL and reads the token from `${NPM_TOKEN}` at use time (the secret
 * itself is never written), and points `PNPM_CONFIG_NPMRC_AUTH_FILE` at it. Without the
 * variable the caller's own `~/.npmrc` (or `PNPM_CONFIG_NPMRC_AUTH_FILE`) applies unchanged.
 */
export interface RegistryConfig extends Disposable {
  /** Environment for child pnpm processes. */
  readonly env: NodeJS.ProcessEnv
  /** The scope registry URL when it came from `LAKEFLOW_REGISTRY_URL`, else `null`. */
  readonly registryUrl: string | null
}

/** The `//host/path/:` prefix npm and pnpm use to key credentials for a registry URL. */
export function credentialKeyPrefix(registryUrl: string): string {
  const url = new URL(registryUrl)
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  return `//${url.host}${path}`
}

/** Builds the registry configuration described on {@link RegistryConfig}. */
export function registryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const registryUrl = env.LAKEFLOW_REGISTRY_URL?.trim()
  if (!registryUrl) return { env: { ...env }, registryUrl: null, [Symbol.dispose]() {} }
  let parsed: URL
  try {
    parsed = new URL(registryUrl)
  } catch {
    throw new Error(`LAKEFLOW_REGISTRY_URL must be an absolute http(s) URL, got ${JSON.stringify(registryUrl)}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`LAKEFLOW_REGISTRY_URL must be an http(s) URL, got protocol ${parsed.protocol}`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'lakeflow-npmrc-'))
  const file = join(dir, 'npmrc')
  // `${NPM_TOKEN}` stays a reference: pnpm expands it when it reads this user-level file.
  writeFileSync(
    file,
    `${SCOPE}:registry=${registryUrl}\n${credentialKeyPrefix(registryUrl)}:_authToken=\${NPM_TOKEN}\n`,
    {
      mode: 0o600,
    },
  )
  return {
    env: { ...env, PNPM_CONFIG_NPMRC_AUTH_FILE: file },
    registryUrl,
    [Symbol.dispose]() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Versions of `name` published in the registry the scope resolves to, `[]` when the package was
 * never published. Other failures (network, auth) throw: "unknown" must never read as "unpublished".
 */
export function publishedVersions(name: string, options: { cwd: string; env: NodeJS.ProcessEnv }): string[] {
  const result = spawnSync('pnpm', ['view', name, 'versions', '--json'], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
  })
  const output = result.stdout.trim()
  let parsed: unknown
  try {
    parsed = output === '' ? undefined : JSON.parse(output)
  } catch {
    parsed = undefined
  }
  if (result.status === 0) {
    if (Array.isArray(parsed)) return parsed.map(String)
    if (typeof parsed === 'string') return [parsed]
    throw new Error(`pnpm view ${name} versions returned ${JSON.stringify(output.slice(0, 200))}, expected a JSON list`)
  }
  const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code
  if (code === 'ERR_PNPM_FETCH_404' || code === 'E404') return []
  const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? result.stderr.trim()
  throw new Error(`Could not ask the registry about ${name}: ${message || `pnpm exited with ${result.status}`}`)
}

/** The registry URL pnpm resolves the `@lakeflow` scope to, or `null` when the scope has none configured. */
export function scopeRegistry(options: { cwd: string; env: NodeJS.ProcessEnv }): string | null {
  const result = spawnSync('pnpm', ['config', 'get', `${SCOPE}:registry`], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
  })
  const value = result.stdout.trim()
  return result.status === 0 && /^https?:\/\//.test(value) ? value : null
}
