/**
 * The project-local Python environment for the Spark tests and benchmark:
 * `packages/spark/.venv` with the pinned PySpark and pyarrow of
 * `python/requirements-spark.txt`, created on first use and reused while the requirements
 * are unchanged. The package's Python sources are put on the venv's path with a `.pth`
 * file, so Spark's Python workers import the working copy.
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
/** The venv directory (git-ignored). */
export const VENV_DIR = join(PACKAGE_ROOT, '.venv')
const REQUIREMENTS = join(PACKAGE_ROOT, 'python', 'requirements-spark.txt')
const MARKER = join(VENV_DIR, 'lakeflow-venv.json')
const LOCK = join(PACKAGE_ROOT, '.venv.lock')

/** What {@link ensurePythonEnv} returns. */
export interface PythonEnv {
  /** The venv's interpreter. */
  python: string
  /** Environment for Python processes running Spark (PYSPARK_PYTHON, TZ=UTC, quiet JVM). */
  env: NodeJS.ProcessEnv
  /** Seconds spent installing (0 when the venv was already there). */
  installSeconds: number
}

function requirementsHash(): string {
  return createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 16)
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Takes a directory lock (atomic mkdir), so parallel test files install once. */
function withLock<T>(body: () => T): T {
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      // A lock left by a killed process is stale after 15 minutes.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { recursive: true })
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK}`)
      sleep(500)
    }
  }
  try {
    return body()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
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

function sitePackages(): string {
  const lib = join(VENV_DIR, 'lib')
  const version = readdirSync(lib).find((name) => name.startsWith('python'))
  if (!version) throw new Error(`No site-packages under ${lib}`)
  return join(lib, version, 'site-packages')
}

/** Creates (or reuses) the venv and returns how to run Python in it. Idempotent. */
export function ensurePythonEnv(): PythonEnv {
  checkJava()
  const python = join(VENV_DIR, 'bin', 'python')
  const wanted = requirementsHash()
  const ready = () => existsSync(MARKER) && JSON.parse(readFileSync(MARKER, 'utf8')).requirements === wanted
  let installSeconds = 0
  if (!ready()) {
    withLock(() => {
      if (ready()) return
      const started = Date.now()
      if (!existsSync(python)) execFileSync(findPython(), ['-m', 'venv', VENV_DIR], { stdio: 'inherit' })
      execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', REQUIREMENTS], {
        stdio: 'inherit',
      })
      writeFileSync(join(sitePackages(), 'lakeflow_spark_dev.pth'), `${join(PACKAGE_ROOT, 'python')}\n`)
      installSeconds = (Date.now() - started) / 1000
      writeFileSync(MARKER, JSON.stringify({ requirements: wanted, installSeconds }))
    })
  }
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { python, installSeconds } = ensurePythonEnv()
  process.stdout.write(`${python}${installSeconds ? ` (installed in ${installSeconds.toFixed(1)} s)` : ''}\n`)
}
