import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ConnectorDefinition } from '@lakeflow/core/connector'
import { DuckDbDestination, parsePipelineSpec, type RunReport, runPipeline } from '@lakeflow/pipeline'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'
import { formatTable, summaryTable } from '../render/summary.ts'
import { eventRenderer } from './sync.ts'

/** The DuckDB file the demo writes (in the working directory). */
export const DEMO_FILE = 'lakeflow-demo.duckdb'
const TABLES = ['products', 'users', 'orders', 'events', 'metrics', 'readings']

// The simulator and the example connector are loaded at run time (they are not dependencies of the published CLI).
type SimulatorLike = import('@lakeflow/simulator').Simulator

/** Finds a package from the working directory, then from the CLI's own location. */
function locate(specifier: string): string | undefined {
  for (const base of [path.join(process.cwd(), 'package.json'), import.meta.filename]) {
    try {
      return createRequire(base).resolve(specifier)
    } catch {
      // try the next base
    }
  }
  return undefined
}

async function loadDemoParts(): Promise<{ connector: ConnectorDefinition; simulator: SimulatorLike }> {
  const manifest = locate('@lakeflow/connector-example/package.json')
  const simulatorEntry = locate('@lakeflow/simulator')
  const spec = manifest && path.join(path.dirname(manifest), 'simulator', 'endpoints.yaml')
  if (!manifest || !simulatorEntry || !spec || !existsSync(spec)) {
    throw new UsageError(
      'lakeflow demo needs @lakeflow/connector-example (with its simulator/ folder) and @lakeflow/simulator; run it from a lakeflow-connectors checkout (npm run demo)',
    )
  }
  const example = (await import(pathToFileURL(locate('@lakeflow/connector-example')!).href)) as {
    connector: ConnectorDefinition
  }
  const { createSimulator } = (await import(pathToFileURL(simulatorEntry).href)) as {
    createSimulator(options: { spec: string; corpus: string; now: string }): SimulatorLike
  }
  // The source's clock starts an hour behind, so the changes stamped after advancing it are
  // still before the connector's init-time cap (the real time) and show up in the next sync.
  const simulator = createSimulator({
    spec,
    corpus: path.join(path.dirname(manifest), 'simulator', 'corpus'),
    now: new Date(Date.now() - 3_600_000).toISOString(),
  })
  return { connector: example.connector as unknown as ConnectorDefinition, simulator }
}

/** Changes the source: inserts, updates and deletes through the simulator, after moving its clock. */
function changeSource(simulator: SimulatorLike): string[] {
  simulator.clock.advance(1800)
  const [firstUser, secondUser] = simulator.data.records('users')
  const [firstOrder, secondOrder] = simulator.data.records('orders')
  const [firstProduct, secondProduct] = simulator.data.records('products')
  simulator.data.update('users', { user_id: firstUser!.user_id }, { display_name: 'renamed_in_demo', status: 'active' })
  simulator.data.insert('users', {
    ...secondUser,
    user_id: 9001,
    display_name: 'new_demo_user',
    email: 'demo@example.com',
  })
  simulator.data.update('orders', { order_id: firstOrder!.order_id }, { status: 'shipped' })
  simulator.data.delete('orders', { order_id: secondOrder!.order_id })
  simulator.data.update('products', { product_id: firstProduct!.product_id }, { price: 1.99 })
  simulator.data.delete('products', { product_id: secondProduct!.product_id })
  simulator.data.insert('events', {
    event_id: 'evt_demo_0001',
    event_type: 'purchase',
    user_id: 9001,
    properties: { path: '/checkout' },
  })
  return [
    `users: renamed user ${firstUser!.user_id}, added user 9001`,
    `orders: shipped order ${firstOrder!.order_id}, deleted order ${secondOrder!.order_id}`,
    `products: repriced product ${firstProduct!.product_id}, removed product ${secondProduct!.product_id}`,
    'events: appended evt_demo_0001',
  ]
}

/**
 * `lakeflow demo`: syncs every table of the example connector's simulated source into
 * ./lakeflow-demo.duckdb, changes the source, syncs again (incrementally) and shows the result.
 */
export async function demoCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('demo', argv, { dest: { type: 'string' } })
  const file = path.resolve((args.values.dest as string | undefined) ?? DEMO_FILE)
  const { connector, simulator } = await loadDemoParts()
  const baseUrl = await simulator.start()
  for (const suffix of ['', '.wal']) rmSync(`${file}${suffix}`, { force: true })
  const spec = parsePipelineSpec(
    { connection_name: 'example', objects: TABLES.map((table) => ({ table: { source_table: table } })) },
    'demo',
  )
  const sync = async (title: string): Promise<RunReport> => {
    out.stdout(`\n== ${title}`)
    const destination = new DuckDbDestination({ file })
    try {
      const report = await runPipeline({
        spec,
        pipeline: 'demo',
        connector,
        connectorOptions: { base_url: baseUrl, username: 'demo', password: 'demo-password' },
        destination,
        ...(out.interactive || args.values.json ? { onEvent: eventRenderer(out, Boolean(args.values.json)) } : {}),
      })
      out.stdout(summaryTable(report))
      return report
    } finally {
      await destination.close()
    }
  }
  try {
    out.stdout(`Example source simulated at ${baseUrl}; destination ${file}`)
    const first = await sync('First sync: every table from scratch')
    out.stdout('\n== Changing the source')
    for (const change of changeSource(simulator)) out.stdout(`  ${change}`)
    const second = await sync('Second sync: only what changed')
    const destination = new DuckDbDestination({ file })
    await destination.open()
    try {
      out.stdout(`\n== SELECT user_id, display_name, status, updated_at FROM users WHERE display_name LIKE '%demo%'`)
      const users = await destination.query(
        `SELECT user_id, display_name, status, updated_at::VARCHAR AS updated_at FROM users WHERE display_name LIKE '%demo%' ORDER BY user_id`,
      )
      out.stdout(
        formatTable(
          ['user_id', 'display_name', 'status', 'updated_at'],
          users.map((row) => Object.values(row).map(String)),
          new Set([0]),
        ),
      )
      out.stdout('\n== Rows per table')
      const rows = await destination.query(
        TABLES.map((table) => `SELECT '${table}' AS table_name, count(*)::INT AS row_count FROM ${table}`).join(
          ' UNION ALL ',
        ),
      )
      out.stdout(
        formatTable(
          ['table', 'rows'],
          rows.map((row) => Object.values(row).map(String)),
          new Set([1]),
        ),
      )
      out.stdout('\n== Committed offsets (where the next sync resumes)')
      const counts = await destination.query(
        `SELECT s.table_name, s.flow, s.batches::INT AS batches, s.offset_json FROM _lakeflow_state s WHERE s.pipeline = 'demo' AND s.batches > 0 ORDER BY 1, 2`,
      )
      out.stdout(
        formatTable(
          ['table', 'flow', 'batches', 'offset'],
          counts.map((row) => Object.values(row).map(String)),
          new Set([2]),
        ),
      )
    } finally {
      await destination.close()
    }
    out.stdout(
      `\nDone. Explore it: duckdb ${path.relative(process.cwd(), file) || file}  (or lakeflow state show --dest ${path.relative(process.cwd(), file)})`,
    )
    return first.status === 'succeeded' && second.status === 'succeeded' ? EXIT.ok : EXIT.tableFailed
  } finally {
    await simulator.stop()
  }
}
