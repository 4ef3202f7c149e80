import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PypiIndex, startPypiIndex } from '../../spark/test/support/pypi-index.ts'
import { EXIT } from '../src/errors.ts'
import { BIN, runCli } from './support.ts'

// The CLI package has @lakeflow/connector-example (and the optional peer @lakeflow/spark) installed.
const CLI_ROOT = path.resolve(path.dirname(BIN), '..')
const WHEEL = 'lakeflow_connector_example-0.1.0-py3-none-any.whl'

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'lakeflow-cli-release-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

const pack = (args: string[], env?: Record<string, string>) =>
  runCli(['pack', 'example', ...args], { cwd: CLI_ROOT, ...(env ? { env } : {}) })

describe('lakeflow pack --to', () => {
  it('releases into <dir>/lakeflow_connector_<name>/, refuses the same version again, replaces it with --force', async () => {
    const volume = path.join(scratch, 'volume')
    const directory = path.join(volume, 'lakeflow_connector_example')
    const first = await pack(['--to', volume, '--latest-pointer', 'file', '--json'])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(EXIT.ok)
    const packed = JSON.parse(first.stdout)
    expect(packed.wheel).toBe(path.join(directory, WHEEL))
    expect(packed.volume).toEqual({
      directory,
      wheel: path.join(directory, WHEEL),
      replaced: false,
      latest: { fileName: WHEEL, kind: 'file' },
    })
    expect(readFileSync(path.join(directory, 'latest'), 'utf8')).toBe(`${WHEEL}\n`)

    const again = await pack(['--to', volume])
    expect(again.code).toBe(EXIT.usage)
    expect(again.stdout).toBe('')
    expect(again.stderr).toBe(
      `lakeflow: Version 0.1.0 is already released in ${directory} (${WHEEL}); a released version is never changed: bump the connector version, or pass --force to replace it\n`,
    )

    const forced = await pack(['--to', volume, '--force'])
    expect(forced.code).toBe(EXIT.ok)
    expect(forced.stdout).toBe(`${path.join(directory, WHEEL)}\n`)
    expect(forced.stderr).toMatch(
      new RegExp(
        `\\nlakeflow: replaced ${WHEEL.replace(/\./g, '\\.')} in ${directory}; latest → ${WHEEL.replace(/\./g, '\\.')} \\(symlink\\)\\n$`,
      ),
    )
    expect(lstatSync(path.join(directory, 'latest')).isSymbolicLink()).toBe(true)
    expect(readdirSync(directory).sort()).toEqual([WHEEL, 'latest'])
  }, 180_000)

  it('rejects flag combinations that make no sense with exit 2, before writing anything', async () => {
    const out = path.join(scratch, 'nothing')
    const spec = path.join(scratch, 'spec.yaml')
    writeFileSync(spec, 'connection_name: example\nobjects:\n  - table: { source_table: products }\n')
    const cases: [string[], string][] = [
      [
        ['--out', out, '--to', out],
        'pack: give --out (a plain directory) or --to (a versioned volume directory), not both',
      ],
      [['--force'], 'pack: --force and --latest-pointer only apply with --to <volume directory>'],
      [
        ['--to', out, '--latest-pointer', 'hard'],
        'pack: --latest-pointer expects one of auto, symlink, file, got "hard"',
      ],
      [['--out', out, '--bundle', out], 'pack: --bundle <dir> needs --pipeline <spec.yaml>'],
      [
        ['--out', out, '--pipeline', spec, '--bundle', out],
        'pack: --bundle needs the volume the wheel is uploaded to: --volume /Volumes/<catalog>/<schema>/<volume> (or --to a path under /Volumes)',
      ],
      [
        ['--out', out, '--pipeline', spec, '--bundle', out, '--volume', 'main.lakeflow.connectors'],
        'pack: --volume expects a Unity Catalog volume path /Volumes/<catalog>/<schema>/<volume>, got "main.lakeflow.connectors"',
      ],
      [['--out', out, '--catalog', 'main'], 'pack: --catalog only applies with --bundle <dir>'],
    ]
    for (const [args, message] of cases) {
      const result = await pack(args)
      expect(result.stderr, args.join(' ')).toBe(`lakeflow: ${message}\n`)
      expect(result.code, args.join(' ')).toBe(EXIT.usage)
    }
    const password = 'pw-that-must-not-show'
    const inUrl = await pack(['--out', out, '--publish', `https://ci:${password}@pypi.example.com/`])
    expect(inUrl.code).toBe(EXIT.usage)
    expect(inUrl.stderr).toBe(
      'lakeflow: The index URL must not carry credentials (https://ci:[REDACTED]@pypi.example.com/); set LAKEFLOW_PYPI_TOKEN, or LAKEFLOW_PYPI_USERNAME and LAKEFLOW_PYPI_PASSWORD\n',
    )
    const halfCredentials = await pack(['--out', out, '--publish', 'https://pypi.example.com/'], {
      LAKEFLOW_PYPI_PASSWORD: password,
    })
    expect(halfCredentials.code).toBe(EXIT.usage)
    expect(halfCredentials.stderr).toBe(
      'lakeflow: LAKEFLOW_PYPI_PASSWORD is set but LAKEFLOW_PYPI_USERNAME is not; set both, or LAKEFLOW_PYPI_TOKEN\n',
    )
    expect(existsSync(out)).toBe(false)
  }, 180_000)
})

describe('lakeflow pack --publish and --pipeline --bundle', () => {
  let index: PypiIndex
  beforeAll(async () => {
    index = await startPypiIndex()
  }, 300_000)
  afterAll(async () => {
    await index?.stop()
  })

  it('uploads with the token from the environment and writes a bundle pinned to the wheel in the volume', async () => {
    const out = path.join(scratch, 'wheels')
    const bundle = path.join(scratch, 'bundle')
    const spec = path.join(scratch, 'shop.yaml')
    writeFileSync(spec, 'connection_name: example\nobjects:\n  - table: { source_table: products }\n')
    const args = ['--out', out, '--publish', index.url, '--pipeline', spec, '--bundle', bundle]
    const volume = ['--volume', '/Volumes/main/lakeflow/connectors', '--workspace-path', '/Workspace/Shared/shop']
    const result = await pack([...args, ...volume], { LAKEFLOW_PYPI_TOKEN: index.token })
    expect(result.code).toBe(EXIT.ok)
    expect(result.stdout).toBe(`${path.join(out, WHEEL)}\n${path.join(bundle, 'pipeline.json')}\n`)
    expect(result.stderr).toMatch(
      new RegExp(`\\nlakeflow: published ${WHEEL.replace(/\./g, '\\.')} to ${index.url}\\n$`),
    )
    expect(result.stderr).not.toContain(index.token)
    const page = await (await fetch(`${index.simpleUrl}lakeflow-connector-example/`)).text()
    expect(page).toContain(`>${WHEEL}<`)
    const settings = JSON.parse(readFileSync(path.join(bundle, 'pipeline.json'), 'utf8'))
    expect(settings).toMatchObject({
      name: 'shop',
      root_path: '/Workspace/Shared/shop',
      libraries: [
        { whl: `/Volumes/main/lakeflow/connectors/lakeflow_connector_example/${WHEEL}` },
        { glob: { include: '/Workspace/Shared/shop/transformations/**' } },
      ],
    })
    expect(readdirSync(bundle).sort()).toEqual(['pipeline.json', 'transformations', 'utilities'])

    const again = await pack(['--out', out, '--publish', index.url], { LAKEFLOW_PYPI_TOKEN: index.token })
    expect(again.code).toBe(EXIT.usage)
    expect(again.stderr).toMatch(/\nlakeflow: Version 0\.1\.0 is already released in http:\/\/127\.0\.0\.1:\d+\/ /)
    const wrong = await pack(['--out', out, '--publish', index.url], { LAKEFLOW_PYPI_TOKEN: 'not-the-token-1234' })
    expect(wrong.code).toBe(EXIT.source)
    expect(wrong.stderr).toMatch(
      /\nlakeflow: The index refused the upload with the token given; set LAKEFLOW_PYPI_TOKEN/,
    )
    expect(wrong.stderr).not.toContain('not-the-token-1234')
  }, 300_000)
})
