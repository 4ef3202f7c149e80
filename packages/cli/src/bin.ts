#!/usr/bin/env node
import { applyNodeTuning } from './node-tuning.ts'

// Before the CLI loads: may re-execute this process with V8 heap flags (same pid).
applyNodeTuning()

process.on('SIGINT', () => {
  // Committed batches are durable; the open transaction rolls back when the process ends.
  process.stderr.write('\nlakeflow: interrupted; committed batches are kept, rerun to resume\n')
  process.exit(130)
})

const { main } = await import('./cli.ts')
process.exitCode = await main(process.argv.slice(2))
