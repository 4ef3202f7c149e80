#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { serveStdio } from '../bridge/stdio.ts'

const USAGE = `Usage: lakeflow-bridge --connector <name|package|path> [--cwd <dir>]

Serves the Lakeflow Spark bridge protocol on stdin/stdout for one connector. The Python
data source (format "lakeflow_connect") starts this process; you rarely run it by hand.`

const { values } = parseArgs({
  options: { connector: { type: 'string' }, cwd: { type: 'string' }, help: { type: 'boolean' } },
})
if (values.help || !values.connector) {
  process.stderr.write(`${USAGE}\n`)
  process.exit(values.help ? 0 : 2)
}
try {
  await serveStdio({ connector: values.connector, cwd: values.cwd })
  process.exit(0)
} catch (error) {
  process.stderr.write(`lakeflow-bridge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
}
