import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandBundleNode, loadSparkBridge } from '../src/commands/spark.ts'
import { EXIT } from '../src/errors.ts'
import { BIN, runCli } from './support.ts'

// The CLI package itself has @lakeflow/connector-example (and the optional peer @lakeflow/spark)
// installed, so `example` resolves from here as it would from a user's project.
const CLI_ROOT = path.resolve(path.dirname(BIN), '..')

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'lakeflow-cli-spark-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

interface Frame {
  kind: string
  id: number
  payload: Buffer
}

/** Splits the bridge's stdout into frames: kind byte, request id and length (uint32 LE), payload. */
function frames(bytes: Buffer): Frame[] {
  const out: Frame[] = []
  let at = 0
  while (at < bytes.length) {
    expect(bytes.length - at).toBeGreaterThanOrEqual(9)
    const length = bytes.readUInt32LE(at + 5)
    out.push({
      kind: String.fromCharCode(bytes[at]!),
      id: bytes.readUInt32LE(at + 1),
      payload: bytes.subarray(at + 9, at + 9 + length),
    })
    at += 9 + length
  }
  expect(at).toBe(bytes.length)
  return out
}

/** Runs `lakeflow serve` with request lines on stdin; resolves when it exits after stdin closes. */
function serve(args: string[], requests: object[], cwd = CLI_ROOT) {
  const child = spawn(
    process.execPath,
    ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning', BIN, 'serve', ...args],
    { cwd, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  for (const request of requests) child.stdin.write(`${JSON.stringify(request)}\n`)
  child.stdin.end()
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(stdout), stderr })
    }),
  )
}

/** Entry names from a zip's central directory (read independently of the packer's writer). */
function zipEntries(file: string): Map<string, Buffer> {
  const zip = readFileSync(file)
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  expect(end).toBeGreaterThan(0)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries = new Map<string, Buffer>()
  for (let index = 0; index < count; index++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const method = zip.readUInt16LE(at + 10)
    const compressed = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extra = zip.readUInt16LE(at + 30)
    const comment = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(dataAt, dataAt + compressed)
    entries.set(name, method === 8 ? inflateRawSync(raw) : raw)
    at += 46 + nameLength + extra + comment
  }
  return entries
}

describe('lakeflow serve --stdio', () => {
  it('speaks the bridge protocol: hello and listTables answered as framed JSON, exit 0 when stdin closes', async () => {
    const result = await serve(
      ['--stdio', '--connector', 'example'],
      [
        { v: 1, id: 1, method: 'hello', params: {} },
        { v: 1, id: 2, method: 'listTables', params: { options: { base_url: 'http://127.0.0.1:9', token: 't0k' } } },
      ],
    )
    expect(result.code).toBe(EXIT.ok)
    const answers = frames(result.stdout)
    expect(answers.map((frame) => [frame.kind, frame.id])).toEqual([
      ['J', 1],
      ['J', 2],
    ])
    const [hello, tables] = answers.map((frame) => JSON.parse(frame.payload.toString('utf8')))
    expect(hello).toMatchObject({
      id: 1,
      type: 'result',
      result: {
        protocol: 1,
        node: process.version,
        connector: { name: 'example', packageName: '@lakeflow/connector-example' },
      },
    })
    expect(tables).toEqual({
      id: 2,
      type: 'result',
      result: ['products', 'users', 'orders', 'events', 'metrics', 'readings'],
    })
  })

  it('serves the package in the current directory when --connector is not given', async () => {
    // Inside the connector's own package (its package.json names it; resolved by self-reference).
    const connectorDir = path.resolve(CLI_ROOT, '../../connectors/example')
    const result = await serve(['--stdio'], [{ v: 1, id: 7, method: 'hello', params: {} }], connectorDir)
    expect(result.code).toBe(EXIT.ok)
    expect(JSON.parse(frames(result.stdout)[0]!.payload.toString('utf8')).result.connector.name).toBe('example')
    const project = path.join(scratch, 'no-package')
    mkdirSync(project)
    const empty = await serve(['--stdio'], [], project)
    expect(empty.code).toBe(EXIT.usage)
    expect(empty.stderr).toMatch(/^lakeflow: serve: no --connector given .*pass --connector <name>\n$/)
    expect(empty.stdout.length).toBe(0)
  })

  it('rejects a missing --stdio and an unknown connector with one line and exit 2, nothing on stdout', async () => {
    const noStdio = await serve(['--connector', 'example'], [])
    expect(noStdio).toMatchObject({ code: EXIT.usage })
    expect(noStdio.stderr).toMatch(/^lakeflow: serve needs --stdio[^\n]*\n$/)
    const unknown = await serve(['--stdio', '--connector', 'nope'], [])
    expect(unknown.code).toBe(EXIT.usage)
    expect(unknown.stderr).toMatch(/^lakeflow: Unknown connector "nope": .*pnpm add @lakeflow\/connector-nope/)
    expect(unknown.stdout.length).toBe(0)
  })
})

describe('lakeflow pack', () => {
  it('builds the connector wheel (data source, bundle, metadata) and a pipeline file', async () => {
    const out = path.join(scratch, 'wheels')
    const spec = path.join(scratch, 'shop.yaml')
    writeFileSync(spec, 'connection_name: example\nobjects:\n  - table:\n      source_table: products\n')
    const result = await runCli(['pack', 'example', '--out', out, '--pipeline', spec], { cwd: CLI_ROOT })
    expect(result.code).toBe(EXIT.ok)
    const wheel = path.join(out, 'lakeflow_connector_example-0.1.0-py3-none-any.whl')
    expect(result.stdout).toBe(`${wheel}\n${path.join(out, 'shop_pipeline.py')}\n`)
    expect(result.stderr).toMatch(
      /^lakeflow: packed @lakeflow\/connector-example 0\.1\.0 as lakeflow_connector_example/,
    )
    const entries = zipEntries(wheel)
    expect([...entries.keys()]).toEqual(
      expect.arrayContaining([
        'lakeflow_connector_example/__init__.py',
        'lakeflow_connector_example/source.py',
        'lakeflow_connector_example/connector.mjs',
        'lakeflow_connector_example/_lakeflow_spark/datasource.py',
        'lakeflow_connector_example-0.1.0.dist-info/METADATA',
        'lakeflow_connector_example-0.1.0.dist-info/WHEEL',
        'lakeflow_connector_example-0.1.0.dist-info/RECORD',
      ]),
    )
    expect([...entries.keys()].some((name) => name.includes('_node/'))).toBe(false)
    expect(entries.get('lakeflow_connector_example-0.1.0.dist-info/WHEEL')!.toString()).toContain('Tag: py3-none-any')
    expect(entries.get('lakeflow_connector_example/connector.mjs')!.toString()).toContain('serveStdio')
    const pipeline = readFileSync(path.join(out, 'shop_pipeline.py'), 'utf8')
    expect(pipeline).toContain('from lakeflow_connector_example import ingest, register')
  })

  it('--bundle-node puts a Node binary in the wheel and tags the platform; alone it means this Node', async () => {
    const out = path.join(scratch, 'with-node')
    const binary = path.join(scratch, 'node-binary')
    writeFileSync(binary, '#!/bin/sh\nexit 0\n')
    const args = ['pack', 'example', '--bundle-node', binary, '--platform-tag', 'linux_x86_64', '--out', out]
    const result = await runCli(args, { cwd: CLI_ROOT })
    expect(result.code).toBe(EXIT.ok)
    expect(result.stdout.trim()).toBe(path.join(out, 'lakeflow_connector_example-0.1.0-py3-none-linux_x86_64.whl'))
    const node = zipEntries(result.stdout.trim()).get('lakeflow_connector_example/_node/bin/node')!
    expect(node.toString()).toBe('#!/bin/sh\nexit 0\n')
    // Bundling the real binary takes seconds (110 MB deflated); the flag handling is what matters here.
    expect(expandBundleNode(['example', '--bundle-node'])).toEqual(['example', `--bundle-node=${process.execPath}`])
    expect(expandBundleNode(['x', '--bundle-node', '--out', 'd'])).toEqual([
      'x',
      `--bundle-node=${process.execPath}`,
      '--out',
      'd',
    ])
    expect(expandBundleNode(['x', '--bundle-node', './node'])).toEqual(['x', '--bundle-node', './node'])
  })

  it('checks the spec and the connector before writing anything', async () => {
    const out = path.join(scratch, 'nothing')
    const spec = path.join(scratch, 'bad.yaml')
    writeFileSync(spec, 'connection_name: example\nobjects:\n  - table:\n      source_tabel: products\n')
    const badSpec = await runCli(['pack', 'example', '--out', out, '--pipeline', spec], { cwd: CLI_ROOT })
    expect(badSpec.code).toBe(EXIT.usage)
    expect(badSpec.stderr).toMatch(/^lakeflow: .*source_tabel/)
    const unknown = await runCli(['pack', 'nope', '--out', out], { cwd: CLI_ROOT })
    expect(unknown.code).toBe(EXIT.usage)
    expect(unknown.stderr).toMatch(/^lakeflow: Unknown connector "nope"/)
    const file = path.join(scratch, 'a-file')
    writeFileSync(file, '')
    const unwritable = await runCli(['pack', 'example', '--out', file], { cwd: CLI_ROOT })
    expect(unwritable.code).toBe(EXIT.usage)
    expect(unwritable.stderr).toBe(`lakeflow: Cannot write to ${file} (EEXIST); choose another --out directory\n`)
    const noArgument = await runCli(['pack'], { cwd: CLI_ROOT })
    expect(noArgument.code).toBe(EXIT.usage)
    expect(existsSync(out) && readdirSync(out).length > 0).toBe(false)
  })

  it('without @lakeflow/spark installed, says what to install', async () => {
    await expect(loadSparkBridge('pack', '@lakeflow/spark-not-installed')).rejects.toThrow(
      /^install @lakeflow\/spark-not-installed to use lakeflow pack/,
    )
  })
})
