import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { sparkPackageRoot } from './package-root.ts'

/** Options of {@link bundleConnector}. */
export interface BundleOptions {
  /**
   * The connector module as the bundler should import it: a package name
   * (`@lakeflow/connector-github`) resolved from `cwd`, or a file path.
   */
  connectorModule: string
  /** Where the connector module is resolved from. @default process.cwd() */
  cwd?: string
  /** Minify the bundle (names are kept, so stack traces stay readable). @default true */
  minify?: boolean
  /**
   * Node version the bundle targets.
   * @default 'node22'
   */
  target?: string
}

/** The bridge's `serveStdio`, from the sources in a checkout or from the built package. */
function bridgeModule(): string {
  const root = sparkPackageRoot()
  const source = join(root, 'src', 'bridge', 'stdio.ts')
  // The built entry holds only the bridge (not pack, esbuild or the pipeline runner).
  return existsSync(source) ? source : join(root, 'dist', 'bridge', 'stdio.js')
}

/**
 * Bundles a connector, its dependencies (core, ky, typebox, ...) and the bridge server
 * (with apache-arrow) into one ES module: `node connector.mjs` serves the bridge protocol
 * on stdin/stdout. Workspace packages are bundled from their TypeScript sources when the
 * `@lakeflow/source` export condition is present (a checkout), else from `dist/`.
 */
export async function bundleConnector(options: BundleOptions): Promise<Uint8Array> {
  const cwd = options.cwd ?? process.cwd()
  const contents = [
    `import * as connectorModule from ${JSON.stringify(options.connectorModule)}`,
    `import { serveStdio } from ${JSON.stringify(bridgeModule())}`,
    'const connector = connectorModule.connector ?? connectorModule.default?.connector ?? connectorModule.default',
    'try {',
    '  await serveStdio({ connector })',
    '  process.exit(0)',
    '} catch (error) {',
    "  process.stderr.write('lakeflow-bridge: ' + (error?.stack ?? error) + '\\n')",
    '  process.exit(1)',
    '}',
  ].join('\n')
  const result = await build({
    stdin: { contents, resolveDir: cwd, sourcefile: 'lakeflow-bridge-entry.mjs', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target ?? 'node22',
    conditions: ['@lakeflow/source'],
    minify: options.minify ?? true,
    keepNames: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __lakeflowCreateRequire } from 'node:module'; const require = __lakeflowCreateRequire(import.meta.url);",
    },
  })
  return result.outputFiles[0]!.contents
}
