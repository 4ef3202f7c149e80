#!/usr/bin/env node
import { applyNodeTuning } from './node-tuning.ts'

// Before the CLI loads: may re-execute this process with V8 heap flags (same pid).
applyNodeTuning()

// Committed batches are durable; the open transaction rolls back when the process ends.
const stop = (what: string, code: number) => () => {
  process.stderr.write(`\nlakeflow: ${what}; committed batches are kept, rerun to resume\n`)
  process.exit(code)
}
process.on('SIGINT', stop('interrupted', 130))
process.on('SIGTERM', stop('terminated', 143))

const { main } = await import('./cli.ts')
process.exitCode = await main(process.argv.slice(2))
