import { execFile } from 'node:child_process'
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ApiCallError, type LakeflowError } from '@lakeflow/core/errors'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensurePythonEnv, PACKAGE_ROOT, pysparkSitePackages } from '../scripts/python-env.ts'
import {
  assertPublishable,
  compareVersions,
  type PackResult,
  packConnector,
  publishWheel,
  readLatestPointer,
  releaseToVolume,
  VersionExistsError,
} from '../src/index.ts'
import { run } from './support/commands.ts'
import { exampleOptions, exampleRows, startExample } from './support/example.ts'
import { type PypiIndex, startPypiIndex } from './support/pypi-index.ts'

const EXAMPLE_NEXT = new URL('./fixtures/example-next.ts', import.meta.url).pathname
const PACKAGE = 'lakeflow_connector_example'
const WHEEL_1 = `${PACKAGE}-0.1.0-py3-none-any.whl`
const WHEEL_2 = `${PACKAGE}-0.2.0-py3-none-any.whl`

let scratch: string
let volume: string
let first: PackResult
let second: PackResult

/** Runs Python in the PySpark venv, where the working copy of lakeflow_spark is importable. */
const python = (code: string, ...args: string[]) => run(ensurePythonEnv().python, ['-c', code, ...args]).trim()

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-release-'))
  volume = join(scratch, 'volume')
  first = await packConnector({ connector: 'example', cwd: PACKAGE_ROOT, to: volume })
  second = await packConnector({ connector: EXAMPLE_NEXT, cwd: PACKAGE_ROOT, to: volume })
}, 300_000)

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

describe('lakeflow pack --to: a versioned volume directory', () => {
  it('keeps both releases side by side and points latest at the newest', () => {
    const directory = join(volume, PACKAGE)
    expect(readdirSync(volume)).toEqual([PACKAGE])
    expect(readdirSync(directory).sort()).toEqual([WHEEL_1, WHEEL_2, 'latest'])
    expect(first.wheel).toBe(join(directory, WHEEL_1))
    expect(first.volume).toEqual({
      directory,
      wheel: join(directory, WHEEL_1),
      replaced: false,
      latest: { fileName: WHEEL_1, kind: 'symlink' },
    })
    expect(second.volume!.latest).toEqual({ fileName: WHEEL_2, kind: 'symlink' })
    // A relative link, so the directory can be moved or copied as a whole.
    expect(lstatSync(join(directory, 'latest')).isSymbolicLink()).toBe(true)
    expect(readLatestPointer(directory)).toBe(WHEEL_2)
  })

  it('refuses to repack a released version, before building anything, unless --force', async () => {
    const wheel = join(volume, PACKAGE, WHEEL_1)
    const before = { bytes: readFileSync(wheel), mtime: statSync(wheel).mtimeMs }
    const refused = await packConnector({ connector: 'example', cwd: PACKAGE_ROOT, to: volume }).catch((error) => error)
    expect(VersionExistsError.isInstance(refused)).toBe(true)
    expect(refused).toMatchObject({ category: 'config', version: '0.1.0', file: WHEEL_1 })
    expect(refused.message).toBe(
      `Version 0.1.0 is already released in ${join(volume, PACKAGE)} (${WHEEL_1}); a released version is never changed: bump the connector version, or pass --force to replace it`,
    )
    expect(readFileSync(wheel).equals(before.bytes)).toBe(true)
    expect(statSync(wheel).mtimeMs).toBe(before.mtime)
    const forced = await packConnector({ connector: 'example', cwd: PACKAGE_ROOT, to: volume, force: true })
    // Replacing an older version leaves latest on the newest.
    expect(forced.volume).toMatchObject({ replaced: true, latest: { fileName: WHEEL_2, kind: 'symlink' } })
    expect(readLatestPointer(join(volume, PACKAGE))).toBe(WHEEL_2)
  }, 120_000)

  it('writes a pointer file where links are not wanted, and latest follows the version order, not the packing order', () => {
    const root = join(scratch, 'file-pointer')
    const bytes = (wheel: string) => readFileSync(wheel)
    const later = releaseToVolume({
      root,
      pythonPackage: PACKAGE,
      fileName: WHEEL_2,
      bytes: bytes(second.wheel),
      latestPointer: 'file',
    })
    expect(later.latest).toEqual({ fileName: WHEEL_2, kind: 'file' })
    const earlier = releaseToVolume({
      root,
      pythonPackage: PACKAGE,
      fileName: WHEEL_1,
      bytes: bytes(first.wheel),
      latestPointer: 'file',
    })
    expect(earlier.latest).toEqual({ fileName: WHEEL_2, kind: 'file' })
    const pointer = join(root, PACKAGE, 'latest')
    expect(lstatSync(pointer).isFile()).toBe(true)
    expect(readFileSync(pointer, 'utf8')).toBe(`${WHEEL_2}\n`)
    expect(readdirSync(join(root, PACKAGE)).sort()).toEqual([WHEEL_1, WHEEL_2, 'latest'])
  })

  it('orders PEP 440 versions: dev < alpha < beta < rc < final, numerically', () => {
    const sorted = ['1.0.0', '0.10.0', '1.0.0rc1', '0.9.0', '1.0.0a2', '1.0.0.dev3', '1.0.0b1', '1.0.0a10']
    expect(sorted.sort(compareVersions)).toEqual([
      '0.9.0',
      '0.10.0',
      '1.0.0.dev3',
      '1.0.0a2',
      '1.0.0a10',
      '1.0.0b1',
      '1.0.0rc1',
      '1.0.0',
    ])
  })

  it('the Python side resolves latest through a link and through a pointer file alike', () => {
    const resolve = (directory: string, version = 'None') =>
      python(
        `import sys; from lakeflow_spark.volume import resolve_wheel; print(resolve_wheel(sys.argv[1], ${version}))`,
        directory,
      )
    const linked = join(volume, PACKAGE)
    const filed = join(scratch, 'file-pointer', PACKAGE)
    expect(resolve(linked)).toBe(join(linked, WHEEL_2))
    expect(resolve(filed)).toBe(join(filed, WHEEL_2))
    expect(resolve(join(filed, 'latest'))).toBe(join(filed, WHEEL_2))
    expect(resolve(filed, '"0.1.0"')).toBe(join(filed, WHEEL_1))
    expect(() => resolve(filed, '"0.3.0"')).toThrow(/holds no wheel of version 0\.3\.0/)
    const notice = (directory: string, installed: string) =>
      python(
        'import sys; from lakeflow_spark.volume import release_notice; print(release_notice(sys.argv[2], sys.argv[1]))',
        directory,
        installed,
      )
    expect(notice(filed, '0.2.0')).toBe('None')
    expect(notice(linked, '0.1.0')).toBe(
      `The pipeline runs version 0.1.0; ${linked} has 0.2.0 as latest. Change the pinned wheel in the pipeline settings to move to it.`,
    )
    const broken = join(scratch, 'broken')
    rmSync(broken, { recursive: true, force: true })
    run('mkdir', ['-p', broken])
    writeFileSync(join(broken, 'latest'), `${WHEEL_2}\n`)
    expect(() => resolve(broken)).toThrow(`names ${WHEEL_2}, which is not in ${broken}`)
  })

  it('the directory is a pip --find-links repository: newest by default, older by pin', () => {
    const downloads = join(scratch, 'downloads')
    const pip = (requirement: string) =>
      run(ensurePythonEnv().python, [
        '-m',
        'pip',
        'download',
        '--disable-pip-version-check',
        '-q',
        '--no-index',
        '--no-deps',
        '--find-links',
        join(volume, PACKAGE),
        '-d',
        downloads,
        requirement,
      ])
    pip(PACKAGE)
    expect(readdirSync(downloads)).toEqual([WHEEL_2])
    pip(`${PACKAGE}==0.1.0`)
    expect(readdirSync(downloads).sort()).toEqual([WHEEL_1, WHEEL_2])
  }, 120_000)
})

describe('lakeflow pack --publish: a private package index (pypiserver)', () => {
  let index: PypiIndex
  let simulator: Simulator
  let url: string

  beforeAll(async () => {
    index = await startPypiIndex()
    ;({ simulator, url } = await startExample())
  }, 300_000)

  afterAll(async () => {
    await index?.stop()
    await simulator?.stop()
  })

  it('publishes two versions with the token from the environment; the index lists both', async () => {
    const env = { LAKEFLOW_PYPI_TOKEN: index.token }
    expect(await publishWheel({ wheel: first.wheel, indexUrl: index.url, env })).toEqual({
      indexUrl: index.url,
      file: WHEEL_1,
      name: 'lakeflow-connector-example',
      version: '0.1.0',
      credentials: 'token',
    })
    expect(await publishWheel({ wheel: second.wheel, indexUrl: index.url, env })).toMatchObject({ version: '0.2.0' })
    const page = await (await fetch(`${index.simpleUrl}lakeflow-connector-example/`)).text()
    expect([...page.matchAll(/>([^<]+\.whl)</g)].map((match) => match[1]).sort()).toEqual([WHEEL_1, WHEEL_2])
  })

  it('refuses to publish a version the index has, and rejected or malformed credentials, without showing them', async () => {
    const again = await publishWheel({
      wheel: first.wheel,
      indexUrl: index.url,
      env: { LAKEFLOW_PYPI_TOKEN: index.token },
    }).catch((error) => error)
    expect(VersionExistsError.isInstance(again)).toBe(true)
    expect(again.message).toMatch(/^Version 0\.1\.0 is already released in http:\/\/127\.0\.0\.1:\d+\/ /)

    const wrong = `wrong-${index.token.slice(-12)}-token`
    const rejected = await publishWheel({
      wheel: second.wheel,
      indexUrl: index.url,
      env: { LAKEFLOW_PYPI_TOKEN: wrong },
    }).catch((error) => error)
    expect(ApiCallError.isInstance(rejected)).toBe(true)
    expect(rejected).toMatchObject({ status: 403, category: 'auth' })
    expect(rejected.message).toMatch(/^The index refused the upload with the token given; set LAKEFLOW_PYPI_TOKEN/)
    expect(JSON.stringify(rejected.toJSON())).not.toContain(wrong)

    const anonymous = await publishWheel({ wheel: second.wheel, indexUrl: index.url, env: {} }).catch((error) => error)
    expect(anonymous).toMatchObject({ status: 401, category: 'auth' })
    expect(anonymous.message).toMatch(/^The index refused the upload with no credentials;/)

    const inUrl = index.url.replace('http://', `http://__token__:${index.token}@`)
    const credentialsInUrl = (() => {
      try {
        assertPublishable(inUrl, {})
      } catch (error) {
        return error as LakeflowError
      }
    })()
    expect(credentialsInUrl).toMatchObject({ category: 'config' })
    // The token was registered as a secret by the uploads above: the whole user:token pair goes.
    expect(credentialsInUrl!.message).toBe(
      `The index URL must not carry credentials (http://[REDACTED]@${index.url.slice('http://'.length)}); set LAKEFLOW_PYPI_TOKEN, or LAKEFLOW_PYPI_USERNAME and LAKEFLOW_PYPI_PASSWORD`,
    )
    expect(credentialsInUrl!.message).not.toContain(index.token)
    expect(() =>
      assertPublishable('http://pypi.example.com/', {
        LAKEFLOW_PYPI_USERNAME: 'ci',
        LAKEFLOW_PYPI_PASSWORD: 'hunter22',
      }),
    ).toThrow('Refusing to send credentials over plain http to pypi.example.com; use the index')
    expect(() => assertPublishable(index.url, { LAKEFLOW_PYPI_PASSWORD: 'hunter22' })).toThrow(
      'LAKEFLOW_PYPI_PASSWORD is set but LAKEFLOW_PYPI_USERNAME is not',
    )
    expect(() =>
      assertPublishable(index.url, { LAKEFLOW_PYPI_TOKEN: 'a-token', LAKEFLOW_PYPI_PASSWORD: 'hunter22' }),
    ).toThrow('Set LAKEFLOW_PYPI_TOKEN or LAKEFLOW_PYPI_PASSWORD for the package index, not both')
    // Nothing was stored by the refused attempts.
    const page = await (await fetch(`${index.simpleUrl}lakeflow-connector-example/`)).text()
    expect([...page.matchAll(/>([^<]+\.whl)</g)]).toHaveLength(2)
  })

  it('pip installs a pinned version into a fresh virtualenv; PySpark reads the simulator through it', async () => {
    const fresh = join(scratch, 'fresh-venv')
    run(ensurePythonEnv().python, ['-m', 'venv', fresh])
    const freshPython = join(fresh, 'bin', 'python')
    const versions = run(freshPython, [
      '-m',
      'pip',
      'index',
      'versions',
      '--disable-pip-version-check',
      '--index-url',
      index.simpleUrl,
      PACKAGE,
    ])
    expect(versions).toMatch(/Available versions: 0\.2\.0, 0\.1\.0/)
    run(freshPython, [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '-q',
      '--index-url',
      index.simpleUrl,
      `${PACKAGE}==0.1.0`,
    ])
    const site = run(freshPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).trim()
    // PySpark and pyarrow (690 MB) are borrowed from the test venv rather than installed again:
    // a .pth line appends its site-packages after the fresh venv's own, which holds the wheel.
    writeFileSync(join(site, 'borrowed_pyspark.pth'), `${pysparkSitePackages()}\n`)
    const env = { ...ensurePythonEnv().env, PYSPARK_PYTHON: freshPython, PYSPARK_DRIVER_PYTHON: freshPython }
    const options = { tableName: 'products', ...exampleOptions(url) }
    // Asynchronously: the simulator answers from this process's event loop.
    const { stdout } = await promisify(execFile)(
      freshPython,
      [join(PACKAGE_ROOT, 'test', 'python', 'read_installed.py'), PACKAGE, JSON.stringify(options), 'product_id'],
      { env, maxBuffer: 64 * 1024 * 1024 },
    )
    const expected = await exampleRows(url, 'products')
    const read = JSON.parse(stdout) as { file: string; version: string; keys: number[] }
    expect(read.file).toBe(join(site, PACKAGE, '__init__.py'))
    expect(read.version).toBe('0.1.0')
    expect(expected.length).toBeGreaterThan(0)
    expect(read.keys.sort((a, b) => a - b)).toEqual(
      (expected as { product_id: number }[]).map((row) => row.product_id).sort((a, b) => a - b),
    )
  }, 600_000)
})
