// Loaded by bin.ts before anything else: keep this module free of imports that allocate.

/**
 * V8 heap flags the `lakeflow` command runs with. Left alone, V8 lets the heap of a sync grow
 * to 150–200 MB although under 30 MB is live (a page of records dies young, but a large young
 * generation and a lazily raised old-generation limit keep the garbage resident). A 4 MB
 * semi-space and a 256 MB old-space limit keep the heap near 40 MB at the same throughput
 * (bench/sync: peak RSS of a sync ~120 MB lower, docs/decisions/2026-11-24-sync-throughput-and-memory.md).
 * The old-space cap is a hard limit: a connector that holds more than ~200 MB of live objects
 * needs `NODE_OPTIONS=--max-old-space-size=<MB>` (flags given by the user always win).
 */
export const NODE_TUNING_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=256'] as const

/**
 * Allocator settings the `lakeflow` command runs with (each only when the environment does not set
 * it). A sync's memory is mostly native: DuckDB's buffers, and C++ objects of DuckDB and Node on
 * several threads. glibc gives every thread that allocates its own 64 MB arena and keeps freed
 * memory in it; one arena with a 128 KB trim threshold hands it back. DuckDB's own jemalloc
 * (`DUCKDB_JE_MALLOC_CONF`) likewise returns freed pages at once instead of after 10 s, from one
 * arena. bench/sync: peak RSS of a 1M-record sync ~35 MB lower (318 → 282 MB), throughput within
 * the bench's noise (docs/decisions/2026-11-24-sync-throughput-and-memory.md).
 */
export const NODE_TUNING_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TRIM_THRESHOLD_: '131072',
  DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:0,muzzy_decay_ms:0,narenas:1',
}

/** The allocator settings of {@link NODE_TUNING_ENV_DEFAULTS} the environment does not set already. */
export function missingTuningEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(NODE_TUNING_ENV_DEFAULTS).filter(([name]) => env[name] === undefined))
}

/** Set on the re-executed process (`applied`); set it to `off` to run with Node's defaults. */
export const NODE_TUNING_ENV = 'LAKEFLOW_NODE_TUNING'

/** The tuning flags the user did not set already (in the Node arguments or `NODE_OPTIONS`). */
export function missingTuningFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((flag) => flag.replace(/_/g, '-').split('=')[0])
  return NODE_TUNING_FLAGS.filter((flag) => !given.includes(flag.split('=')[0]))
}

/**
 * Replaces this process with the same command plus {@link NODE_TUNING_FLAGS} and
 * {@link NODE_TUNING_ENV_DEFAULTS} (heap limits are fixed when V8 starts and allocators read
 * their settings when the program loads, so neither can be set from inside). `process.execve` keeps the process
 * id, the open files and the terminal, so signals, exit codes and `kill <pid>` behave as if
 * nothing happened. Returns without doing anything when already applied, turned off, every
 * flag and setting is given by the user, or the platform has no `execve` (Windows).
 */
export function applyNodeTuning(): void {
  if (process.env[NODE_TUNING_ENV] !== undefined) return
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve
  const script = process.argv[1]
  if (typeof execve !== 'function' || script === undefined) return
  const flags = missingTuningFlags(process.execArgv, process.env.NODE_OPTIONS)
  const env = missingTuningEnv(process.env)
  if (flags.length === 0 && Object.keys(env).length === 0) return
  try {
    execve.call(
      process,
      process.execPath,
      [process.execPath, ...process.execArgv, ...flags, script, ...process.argv.slice(2)],
      { ...process.env, ...env, [NODE_TUNING_ENV]: 'applied' },
    )
  } catch {
    // Could not re-execute (a sandbox, say): run with Node's defaults.
  }
}
