/** Mutants aimed at what tables declare (connector kit): typed offsets, requests, the tie engine. */
import { type ConnectorDefinition, createTableConnector, type TableHandler } from '@lakeflow/core/connector'
import { basicAuth, createHttpClient } from '@lakeflow/core/http'
import { type IncrementalDeclaration, localClock, type RestContext, restTable } from '@lakeflow/core/kit'
import { parseOptions } from '@lakeflow/core/options'
import {
  EXAMPLE_TABLES,
  ExampleOptions,
  connector as example,
  exampleRateBudget,
} from '../../../../connectors/example/src/index.ts'
import { mutant, readTableFor } from './mutate.ts'

/**
 * The example connector with its `users` declaration changed: built the way the example
 * builds itself (core's client, the account's budget, the local clock at creation).
 */
function withUsers(change: (incremental: IncrementalDeclaration<any>) => IncrementalDeclaration<any>) {
  const users = EXAMPLE_TABLES[1]
  const changed = restTable({ ...users.declaration, incremental: change(users.declaration.incremental!) })
  const definition: ConnectorDefinition = {
    ...example,
    create(raw) {
      const options = parseOptions(ExampleOptions, raw, 'mutant')
      const http = createHttpClient({
        baseUrl: options.base_url,
        auth: basicAuth(options.username ?? '', options.password ?? ''),
        rateLimit: { budget: exampleRateBudget(options) },
      })
      const tables = EXAMPLE_TABLES.map((table) => (table.name === 'users' ? changed : table))
      const context: RestContext = { http, clock: localClock() }
      return createTableConnector({ name: 'example', context, tables: tables as TableHandler<RestContext>[] })
    },
  }
  return definition
}

/** Reads from an offset it cannot parse as if from the beginning, instead of failing. */
export const restartsOnBadOffset = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    inner.readTable('users', typeof start?.cursor === 'string' || start === null ? start : {}, options),
  ),
)

/** users declares its `since` inclusive; the API's `since` is exclusive (`gt`). */
export const sinceDeclaredInclusive = withUsers((incremental) => ({
  ...incremental,
  since: { param: 'since', inclusive: true },
}))

/** The tie engine keeps ids at the boundary, but the ids it keeps are the cursor values: every tie looks read. */
export const tieIdsCollide = withUsers((incremental) => ({
  ...incremental,
  ties: { remember: (record) => String(record.updated_at) },
}))
