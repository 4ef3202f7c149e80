/**
 * The project-local Python environments of the Spark tests and benchmark, created on first
 * use and reused while their pinned requirements are unchanged (both git-ignored):
 *
 * - `packages/spark/.venv`: PySpark and pyarrow (`python/requirements-spark.txt`); the
 *   package's Python sources are put on its path with a `.pth` file, so Spark's Python
 *   workers import the working copy.
 * - `packages/spark/.venv-pypiserver`: pypiserver with htpasswd support
 *   (`python/requirements-pypiserver.txt`), a private package index for the publish tests.
 *
 * Run by hand: `node packages/spark/scripts/python-env.ts` (prints the interpreter path).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (`packages/spark`). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The repository root. */
export const REPO_ROOT = resolve(PACKAGE_ROOT, '../..')
/** The PySpark venv directory (git-ignored). */
export const VENV_DIR = join(PACKAGE_ROOT, '.venv')
const PYPISERVER_DIR = join(PACKAGE_ROOT, '.venv-pypiserver')

/** What {@link ensurePythonEnv} returns. */
export interface PythonEnv {
  /** The venv's interpreter. */
  python: string
  /** Environment for Python processes running Spark (PYSPARK_PYTHON, TZ=UTC, quiet JVM). */
  env: NodeJS.ProcessEnv
  /** Seconds spent installing (0 when the venv was already there). */
  installSeconds: number
}

/** One venv: where, from which requirements file, and what to do after installing. */
interface VenvSpec {
  dir: string
  requirements: string
  afterInstall?: (sitePackages: string) => void
}

function requirementsHash(requirements: string): string {
  return createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 16)
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Takes a directory lock (atomic mkdir), so parallel test files install once. */
function withLock<T>(lock: string, body: () => T): T {
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock left by a killed process is stale after 15 minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true })
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`)
      sleep(500)
    }
  }
  try {
    return body()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function findPython(): string {
  const candidates = [process.env.LAKEFLOW_PYTHON, 'python3', 'python'].filter(Boolean) as string[]
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' })
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate
  }
  throw new Error(`No Python 3.10+ found (tried ${candidates.join(', ')}); set LAKEFLOW_PYTHON`)
}

function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (probe.status !== 0) {
    throw new Error('PySpark needs Java 17+ on the PATH (`java -version` failed); install a JDK or set JAVA_HOME')
  }
}

function sitePackages(dir: string): string {
  const lib = join(dir, 'lib')
  const version = readdirSync(lib).find((name) => name.startsWith('python'))
  if (!version) throw new Error(`No site-packages under ${lib}`)
  return join(lib, version, 'site-packages')
}

/** Creates (or reuses) a venv; returns its interpreter and the seconds spent installing. Idempotent. */
function ensureVenv(spec: VenvSpec): { python: string; installSeconds: number } {
  const python = join(spec.dir, 'bin', 'python')
  const marker = join(spec.dir, 'lakeflow-venv.json')
  const wanted = requirementsHash(spec.requirements)
  const ready = () => existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).requirements === wanted
  let installSeconds = 0
  if (!ready()) {
    withLock(`${spec.dir}.lock`, () => {
      if (ready()) return
      const started = Date.now()
      if (!existsSync(python)) execFileSync(findPython(), ['-m', 'venv', spec.dir], { stdio: 'inherit' })
      execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', spec.requirements], {
        stdio: 'inherit',
      })
      spec.afterInstall?.(sitePackages(spec.dir))
      installSeconds = (Date.now() - started) / 1000
      writeFileSync(marker, JSON.stringify({ requirements: wanted, installSeconds }))
    })
  }
  return { python, installSeconds }
}

/** The PySpark venv (created on first use) and how to run Spark's Python in it. */
export function ensurePythonEnv(): PythonEnv {
  checkJava()
  const { python, installSeconds } = ensureVenv({
    dir: VENV_DIR,
    requirements: join(PACKAGE_ROOT, 'python', 'requirements-spark.txt'),
    afterInstall: (site) => writeFileSync(join(site, 'lakeflow_spark_dev.pth'), `${join(PACKAGE_ROOT, 'python')}\n`),
  })
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
    TZ: 'UTC',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  }
  return { python, env, installSeconds }
}

/** The PySpark venv's site-packages (for a fresh venv that borrows PySpark instead of installing it). */
export function pysparkSitePackages(): string {
  ensurePythonEnv()
  return sitePackages(VENV_DIR)
}

/** The pypiserver venv (created on first use): its interpreter and the `pypi-server` command. */
export function ensurePypiServerEnv(): { python: string; pypiServer: string } {
  const { python } = ensureVenv({
    dir: PYPISERVER_DIR,
    requirements: join(PACKAGE_ROOT, 'python', 'requirements-pypiserver.txt'),
  })
  return { python, pypiServer: join(PYPISERVER_DIR, 'bin', 'pypi-server') }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { python, installSeconds } = ensurePythonEnv()
  process.stdout.write(`${python}${installSeconds ? ` (installed in ${installSeconds.toFixed(1)} s)` : ''}\n`)
}
