import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensurePythonEnv, PACKAGE_ROOT } from '../scripts/python-env.ts'
import { type PackResult, packConnector, packPipeline, pep440Version } from '../src/index.ts'
import { installWheelTo, run } from './support/commands.ts'

let scratch: string
let python: string
let packed: PackResult
let installed: string

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-pack-'))
  ;({ python } = ensurePythonEnv())
  const fakeNode = join(scratch, 'node-binary')
  writeFileSync(fakeNode, '#!/bin/sh\nexit 0\n')
  chmodSync(fakeNode, 0o755)
  packed = await packConnector({
    connector: 'example',
    cwd: PACKAGE_ROOT,
    outDir: join(scratch, 'out'),
    bundleNode: fakeNode,
    platformTag: 'manylinux_2_28_x86_64',
  })
  installed = join(scratch, 'site')
  installWheelTo(packed.wheel, installed)
}, 300_000)

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

describe('lakeflow pack', () => {
  it('names the wheel after the connector, version and platform', () => {
    expect(packed.wheel).toMatch(/\/lakeflow_connector_example-0\.1\.0-py3-none-manylinux_2_28_x86_64\.whl$/)
    expect(packed.pythonPackage).toBe('lakeflow_connector_example')
    expect(packed.connector).toEqual({ name: 'example', packageName: '@lakeflow/connector-example', version: '0.1.0' })
    expect(packed.bundleBytes).toBeGreaterThan(50_000)
  })

  it('writes a RECORD with the sha256 and size of every file, which pip accepts', () => {
    // Checked against the archive itself: pip adds its own entries (bytecode, INSTALLER) on install.
    const check = [
      'import base64, hashlib, sys, zipfile',
      'archive = zipfile.ZipFile(sys.argv[1])',
      'info = "lakeflow_connector_example-0.1.0.dist-info"',
      'rows = [line.split(",") for line in archive.read(info + "/RECORD").decode().splitlines()]',
      'names = set(archive.namelist())',
      'assert {row[0] for row in rows} == names, ("RECORD and archive differ", names ^ {row[0] for row in rows})',
      'for path, digest, size in rows:',
      '    if path == info + "/RECORD":',
      '        assert digest == "" and size == "", "RECORD lists itself without a hash"',
      '        continue',
      '    data = archive.read(path)',
      '    expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()',
      '    assert digest == expected and int(size) == len(data), path',
      'print(len(rows), archive.read(info + "/WHEEL").decode().splitlines()[-1])',
    ].join('\n')
    expect(run(python, ['-c', check, packed.wheel]).trim()).toMatch(/^\d+ Tag: py3-none-manylinux_2_28_x86_64$/)
    const info = join(installed, 'lakeflow_connector_example-0.1.0.dist-info')
    expect(readFileSync(join(info, 'METADATA'), 'utf8')).toMatch(
      /^Metadata-Version: 2\.1\nName: lakeflow-connector-example\nVersion: 0\.1\.0\n/,
    )
  })

  it('keeps the bundled Node executable and the data source finds it first', () => {
    const node = join(installed, 'lakeflow_connector_example', '_node', 'bin', 'node')
    expect(statSync(node).mode & 0o111).not.toBe(0)
    const env = { ...process.env, PYTHONPATH: installed, LAKEFLOW_NODE: '' }
    const found = run(
      python,
      [
        '-c',
        'from lakeflow_connector_example._lakeflow_spark.config import bridge_command; ' +
          'print(bridge_command({"connector": "example", "package": "lakeflow_connector_example"}, {}))',
      ],
      env,
    )
    expect(found.trim()).toBe(`['${node}', '${join(installed, 'lakeflow_connector_example', 'connector.mjs')}']`)
    const chosen = run(
      python,
      [
        '-c',
        'from lakeflow_connector_example._lakeflow_spark.config import find_node; print(find_node({"nodepath": "/opt/node"}, None, "x"))',
      ],
      env,
    )
    expect(chosen.trim()).toBe('/opt/node')
  })

  it('bundles the connector and the bridge into one file that serves the protocol', () => {
    const bundle = join(installed, 'lakeflow_connector_example', 'connector.mjs')
    const result = spawnSync(process.execPath, [bundle], {
      input: '{"v":1,"id":1,"method":"hello","params":{}}\n',
      env: { PATH: '' },
    })
    expect(result.status).toBe(0)
    const payload = JSON.parse(result.stdout.subarray(9).toString('utf8'))
    expect(payload.result).toMatchObject({ protocol: 1, connector: { name: 'example', version: '0.1.0' } })
  })

  it('imports without PySpark and exposes register/ingest', () => {
    const out = run(
      python,
      [
        '-c',
        'import sys, lakeflow_connector_example as m; print(m.CONNECTOR, m.NPM_PACKAGE, "pyspark" in sys.modules)',
      ],
      { ...process.env, PYTHONPATH: installed },
    )
    expect(out.trim()).toBe('example @lakeflow/connector-example False')
  })

  it('turns npm versions into PEP 440 versions', () => {
    expect(pep440Version('1.2.3')).toBe('1.2.3')
    expect(pep440Version('1.0.0-beta.2')).toBe('1.0.0b2')
    expect(pep440Version('2.0.0-rc.1')).toBe('2.0.0rc1')
    expect(pep440Version('0.3.0-next.7')).toBe('0.3.0.dev7')
    expect(() => pep440Version('one')).toThrow('Cannot turn version "one" into a Python version')
  })
})

describe('lakeflow pack --pipeline', () => {
  it('writes a plain Python pipeline module that follows the DLT rules', async () => {
    const spec = join(scratch, 'shop.yaml')
    writeFileSync(
      spec,
      [
        'connection_name: example_conn',
        'objects:',
        '  - table:',
        '      source_table: orders',
        '      destination_catalog: main',
        '      destination_schema: raw',
        '      table_configuration: { scd_type: SCD_TYPE_1, max_records_per_batch: 100, nested: { a: [1, 2] } }',
        '',
      ].join('\n'),
    )
    const { file } = await packPipeline({ spec, connector: 'example', outDir: scratch })
    expect(file).toBe(join(scratch, 'shop_pipeline.py'))
    const source = readFileSync(file, 'utf8')
    expect(source).toContain('from lakeflow_connector_example import ingest, register')
    expect(source).toContain('"connection_name": "example_conn"')
    expect(source).toContain('"max_records_per_batch": "100"')
    expect(source).not.toMatch(/^\s*[%!]/m)
    expect(source).not.toMatch(/input_file_name|dlt\.read|# MAGIC|# COMMAND/)
    run(python, ['-m', 'py_compile', file])
    const pipelineModule = readFileSync(join(PACKAGE_ROOT, 'python', 'lakeflow_spark', 'pipeline.py'), 'utf8')
    expect(pipelineModule).not.toMatch(/input_file_name\(|dlt\.read\(|dlt\.read_stream\(/)
  })

  it('rejects an invalid spec with the spec error', async () => {
    const spec = join(scratch, 'bad.yaml')
    writeFileSync(spec, 'objects: []\n')
    await expect(packPipeline({ spec, connector: 'example', outDir: scratch })).rejects.toThrow(/connection_name/)
  })
})
