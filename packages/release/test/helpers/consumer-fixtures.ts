import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Writes a small TypeScript consumer (`main.ts` + `tsconfig.json`) that uses the published
 * declarations: core's schema builders and `Row` type (with an `@ts-expect-error` that only holds
 * while the published types are real, not `any`), an error class, and, when installed, the
 * example connector typed as a core `ConnectorDefinition`.
 */
export function writeTypeScriptConsumer(dir: string, withExample: boolean): void {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2023',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        types: [],
        skipLibCheck: true,
        allowImportingTsExtensions: true,
      },
      include: ['main.ts'],
    }),
  )
  const example = withExample
    ? [
        "import type { ConnectorDefinition } from '@lakeflow/core/connector'",
        "import { connector } from '@lakeflow/connector-example'",
        '// The connector, typed through its own published declarations, is a definition core understands.',
        'const definition: ConnectorDefinition = connector',
        "console.error(['connector', definition.name, definition.specificationVersion].join(' '))",
      ]
    : []
  writeFileSync(
    join(dir, 'main.ts'),
    [
      "import { SPECIFICATION_VERSION, Spark, type Row, toDdl } from '@lakeflow/core'",
      "import { UnknownTableError } from '@lakeflow/core/errors'",
      ...example,
      '',
      'const Issue = Spark.table({ id: Spark.long({ nullable: false }), title: Spark.string() })',
      'const row: Row<typeof Issue> = { id: 1, title: null }',
      '// @ts-expect-error id is a long: a number, never a string (fails if the published types were `any`)',
      "const wrong: Row<typeof Issue> = { id: 'one', title: null }",
      "const error = new UnknownTableError('nope', ['issues'], 'example')",
      'console.log(JSON.stringify({ spec: SPECIFICATION_VERSION, ddl: toDdl(Issue), row, wrong: typeof wrong, unknown: UnknownTableError.isInstance(error) }))',
      '',
    ].join('\n'),
  )
}

/**
 * Writes `@lakeflow/connector-future`, a connector package that declares specification version
 * `v2`, which this framework does not implement: a runner must refuse it before calling `create`.
 */
export function writeFutureConnector(dir: string, registryUrl: string): void {
  mkdirSync(dir, { recursive: true })
  const manifest = { name: '@lakeflow/connector-future', version: '1.0.0', type: 'module', exports: './index.js' }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest)}\n`)
  writeFileSync(
    join(dir, 'index.js'),
    [
      '// A connector built for an interface this runner does not know: it must be refused before use.',
      'export const connector = {',
      "  specificationVersion: 'v2', name: 'future', packageName: '@lakeflow/connector-future', version: '1.0.0',",
      "  description: 'declares a future interface', options: { type: 'object', properties: {} }, tableOptionKeys: [],",
      "  create() { throw new Error('a v2 connector must never be created by a v1 runner') },",
      '}',
      '',
    ].join('\n'),
  )
  writeFileSync(join(dir, '.npmrc'), `@lakeflow:registry=${registryUrl}\n`)
}
