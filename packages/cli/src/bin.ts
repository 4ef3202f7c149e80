#!/usr/bin/env node
import { main } from './cli.ts'

process.on('SIGINT', () => {
  // Committed batches are durable; the open transaction rolls back when the process ends.
  process.stderr.write('\nlakeflow: interrupted; committed batches are kept, rerun to resume\n')
  process.exit(130)
})

process.exitCode = await main(process.argv.slice(2))
