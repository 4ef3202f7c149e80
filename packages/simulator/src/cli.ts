#!/usr/bin/env node
/**
 * `lakeflow-simulator`: serves a spec + corpus until SIGTERM/SIGINT, or records from a live
 * source. The first line on stdout is the base URL (tests read it); diagnostics go to stderr.
 */
import { parseArgs } from 'node:util'
import { LakeflowError } from '@lakeflow/core/errors'
import { createRecorder } from './record/recorder.ts'
import { createSimulator } from './server.ts'

const USAGE = `Usage:
  lakeflow-simulator --spec <endpoints.yaml> --corpus <dir> [--port N] [--now ISO] [--seed N] [--lenient]
  lakeflow-simulator --record <liveBaseUrl> --spec <endpoints.yaml> --out <dir> [--port N] [--sample-size N]

Prints the base URL on the first line of stdout and serves until SIGTERM or SIGINT.
In record mode the corpus is written to --out when the process is stopped.
--lenient loads specs written for the Python simulator as it did: a missing corpus is served
empty and a shadowed endpoint is kept; each is printed as a warning on stderr.`

function fail(message: string, code = 2): never {
  process.stderr.write(`lakeflow-simulator: ${message}\n`)
  process.exit(code)
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) fail(`${flag} expects a non-negative integer, got ${JSON.stringify(value)}`)
  return Number(value)
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      options: {
        spec: { type: 'string' },
        corpus: { type: 'string' },
        port: { type: 'string' },
        now: { type: 'string' },
        seed: { type: 'string' },
        record: { type: 'string' },
        out: { type: 'string' },
        'sample-size': { type: 'string' },
        lenient: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const spec = values.spec as string | undefined
  if (!spec) fail(`--spec is required\n${USAGE}`)
  const port = integer(values.port as string | undefined, '--port')
  let stop: () => Promise<unknown>
  if (values.record !== undefined) {
    const out = values.out as string | undefined
    if (!out) fail(`--record needs --out <dir> for the recorded corpus\n${USAGE}`)
    const recorder = createRecorder({
      target: values.record as string,
      spec,
      out,
      port,
      sampleSize: integer(values['sample-size'] as string | undefined, '--sample-size'),
    })
    process.stdout.write(`${await recorder.start()}\n`)
    stop = async () => {
      const summary = await recorder.stop()
      process.stderr.write(`lakeflow-simulator: wrote ${summary.files.length} files to ${out}\n`)
    }
  } else {
    const corpus = values.corpus as string | undefined
    if (!corpus) fail(`--corpus is required\n${USAGE}`)
    const simulator = createSimulator({
      spec,
      corpus,
      port,
      now: values.now as string | undefined,
      seed: integer(values.seed as string | undefined, '--seed'),
      lenient: values.lenient === true,
    })
    for (const warning of simulator.warnings) process.stderr.write(`lakeflow-simulator: warning: ${warning}\n`)
    process.stdout.write(`${await simulator.start()}\n`)
    stop = () => simulator.stop()
  }
  const shutdown = () => {
    stop().then(
      () => process.exit(0),
      (error) => fail(`error while stopping: ${(error as Error).message}`, 1),
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

main().catch((error) => {
  fail(LakeflowError.isInstance(error) ? error.message : String((error as Error)?.stack ?? error), 1)
})
