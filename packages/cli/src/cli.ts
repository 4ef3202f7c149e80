import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { metadataCommand, readCommand, schemaCommand, tablesCommand } from './commands/inspect.ts'
import { newCommand } from './commands/new.ts'
import { packCommand, serveCommand } from './commands/spark.ts'
import { stateCommand } from './commands/state.ts'
import { syncCommand } from './commands/sync.ts'
import { EXIT, errorLine, exitCodeOf, UsageError } from './errors.ts'
import { HELP } from './help.ts'
import { type Output, processOutput } from './output.ts'

type Command = (argv: string[], out: Output) => Promise<number>

const COMMANDS: Record<string, Command> = {
  tables: tablesCommand,
  schema: schemaCommand,
  metadata: metadataCommand,
  read: readCommand,
  sync: syncCommand,
  state: stateCommand,
  new: newCommand,
  serve: serveCommand,
  pack: packCommand,
  demo: async (argv, out) => (await import('./commands/demo.ts')).demoCommand(argv, out),
}

/** The CLI's version (its package.json). */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

/**
 * Runs `lakeflow` with `argv` (without node and script) and returns the exit code. Errors
 * become one line on stderr: what went wrong and how to fix it, secrets redacted.
 */
export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.stdout(HELP.main!)
    return command === undefined ? EXIT.usage : EXIT.ok
  }
  if (command === '--version' || command === '-v') {
    out.stdout(version())
    return EXIT.ok
  }
  const run = COMMANDS[command]
  try {
    if (!run)
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')} (see lakeflow --help)`,
      )
    if (rest.includes('--help') || rest.includes('-h')) {
      out.stdout(HELP[command]!)
      return EXIT.ok
    }
    return await run(rest, out)
  } catch (error) {
    const code = exitCodeOf(error)
    out.stderr(errorLine(error))
    if (code === EXIT.internal && process.env.LAKEFLOW_DEBUG) out.stderr(inspect(error))
    return code
  }
}
