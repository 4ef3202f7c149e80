import { acceptOffset, type Offset, type RequestDescription } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import type { EndpointSpec, ParamSpec } from '@lakeflow/simulator'
import { defineCheck, describeError, Findings, show } from '../check.ts'
import { declaredOffset } from '../offset-order.ts'
import { readUntilConverged } from '../reads.ts'
import { pathPattern } from '../spec-helpers.ts'
import { withBatch } from '../table-options.ts'
import { thrownBy } from '../unknown-table.ts'

/** A value of the wrong type for a declared property. */
function wrongValueFor(schema: unknown): string | number {
  return (schema as { type?: unknown } | undefined)?.type === 'string' ? 12345 : 'not-a-number'
}

const offsetsTyped = defineCheck({
  id: 'offsets-typed',
  title: 'offsets returned fit the declared schema; a bad offset fails naming its table and key',
  source: 'connector kit: typed offsets',
  async run(context) {
    const findings = new Findings(this.id)
    let tested = 0
    for (const table of await context.plainTables()) {
      await findings.guard(`table ${table}`, async () => {
        const connector = context.connect()
        const options = context.tableOptions(table)
        const declared = await declaredOffset(connector, table, options)
        if (!declared) return context.log(`${table}: declares no offset; not tested`)
        tested++
        const result = await readUntilConverged({
          connector,
          table,
          start: {},
          tableOptions: await withBatch(context, table, 25),
          maxIterations: context.config.readTerminationMaxIterations ?? 50,
        })
        for (const call of result.calls) {
          try {
            acceptOffset({ schema: declared.schema }, table, call.end ?? null)
          } catch (error) {
            findings.add({
              where: `table ${table}`,
              problem: 'a call returned an offset outside the schema the table declares',
              expected: 'every end offset valid against the declared schema',
              received: describeError(error),
              fix: 'declare the offset the read really returns (or return what is declared)',
            })
            return
          }
        }
        const properties = Object.entries(declared.schema.properties)
        const [key, property] = properties.find(([name]) => name in declared.ordered) ?? properties[0] ?? []
        const bad: Offset[] = []
        if (key !== undefined) bad.push({ [key]: wrongValueFor(property) })
        if ((declared.schema as { additionalProperties?: unknown }).additionalProperties === false) {
          bad.push({ ...(result.offset ?? {}), not_a_declared_key: 1 })
        }
        for (const offset of bad) {
          const named = key !== undefined && offset[key] !== undefined ? key : 'not_a_declared_key'
          const error = await thrownBy(() => connector.readTable(table, offset, options))
          const ok = InvalidOffsetError.isInstance(error) && error.table === table && error.message.includes(named)
          if (!ok) {
            findings.add({
              where: `table ${table}`,
              problem: `reading from ${show(offset, 100)} did not fail with an InvalidOffsetError naming "${named}"`,
              expected: `InvalidOffsetError for table "${table}" naming "${named}"`,
              received: error === undefined ? 'a read that went ahead' : describeError(error),
              fix: 'validate incoming offsets against the declared schema (createTableConnector does) instead of guessing or restarting',
            })
            return
          }
        }
      })
    }
    findings.throwIfAny()
    if (tested === 0) context.skip('no table declares its offset (describeTable)')
  },
})

/** The simulator's pagination styles a declared paginator agrees with; undefined for custom paginators. */
function stylesFor(pagination: RequestDescription['pagination']): (style: string) => boolean {
  switch (pagination.type) {
    case 'none':
      return (style) => style === 'none'
    case 'page_number':
      return pagination.nextFromBody
        ? (style) => style === 'page_number_in_body'
        : (style) => style === 'page_number' || style === 'page_number_with_link_header'
    case 'link_header':
      return (style) => style.includes('link')
    case 'offset':
      return (style) => style === 'offset_limit'
    case 'cursor':
      return (style) => style === 'cursor_token'
    case 'next_url':
      return (style) => style === 'next_url' || style === 'incremental_export'
    default:
      return () => true
  }
}

function boundProblem(
  endpoint: EndpointSpec,
  bound: RequestDescription['since'],
  field: string | undefined,
  ops: [inclusive: string, exclusive: string],
): string | undefined {
  if (!bound) return undefined
  const param = endpoint.params?.[bound.param] ?? endpoint.body?.[bound.param]
  const op = bound.inclusive ? ops[0] : ops[1]
  if (param?.role === 'filter' && param.field === field && param.op === op) return undefined
  // An incremental export's position: records at or after it.
  if (param?.role === 'since' && param.field === field && op === ops[0] && ops[0] === 'gte') return undefined
  // A bound inside a search body's filter groups is named by the body function, not by a parameter.
  if (param === undefined && Object.values(endpoint.body ?? {}).some((entry) => entry.role === 'filter_groups')) {
    return undefined
  }
  const found = param === undefined ? 'no such parameter' : JSON.stringify(param)
  return `"${bound.param}" is declared ${bound.inclusive ? 'inclusive' : 'exclusive'} on ${field}: the endpoint should filter ${field} with ${op}, it has ${found}`
}

function pageSizeProblem(endpoint: EndpointSpec, pagination: RequestDescription['pagination']): string | undefined {
  const size = pagination.pageSize
  if (!size) return undefined
  const param = (endpoint.params?.[size.param] ?? endpoint.body?.[size.param]) as
    | (ParamSpec & { max?: number })
    | undefined
  if (param === undefined || (param.role !== 'per_page' && param.role !== 'limit')) {
    return `the page size goes in "${size.param}", which the endpoint does not take as a page size`
  }
  // The simulator's own default maximum when an endpoint names none.
  const max = param.max ?? 100
  return size.value > max ? `it asks for ${size.value} records a page; the endpoint serves at most ${max}` : undefined
}

const declaredRequests = defineCheck({
  id: 'declared-requests',
  title: "declared tables' requests agree with the simulated endpoints (pagination, since filter, page size)",
  source: 'connector kit: declared tables',
  simulatorOnly: true,
  async run(context) {
    context.requireSimulator()
    const endpoints = context.spec?.endpoints ?? []
    const findings = new Findings(this.id)
    let tested = 0
    for (const table of await context.tables()) {
      await findings.guard(`table ${table}`, async () => {
        const connector = context.connect()
        if (typeof connector.describeTable !== 'function') return
        const { requests } = await connector.describeTable(table, context.tableOptions(table))
        for (const request of requests ?? []) {
          tested++
          const concrete = request.path.replace(/\{[^}]+\}/g, 'x')
          const endpoint = endpoints.find(
            (candidate) => candidate.method === request.method && pathPattern(candidate).test(concrete),
          )
          const problems = endpoint
            ? [
                stylesFor(request.pagination)(
                  endpoint.response?.single_entity ? 'none' : (endpoint.response?.pagination_style ?? 'none'),
                )
                  ? undefined
                  : `it pages as ${request.pagination.type}${request.pagination.nextFromBody ? ' (next page from the body)' : ''}; the endpoint pages as ${endpoint.response?.pagination_style ?? 'none'}`,
                boundProblem(endpoint, request.since, request.cursorField, ['gte', 'gt']),
                boundProblem(endpoint, request.until, request.cursorField, ['lte', 'lt']),
                pageSizeProblem(endpoint, request.pagination),
              ].filter((problem): problem is string => problem !== undefined)
            : [`no simulator endpoint serves ${request.method} ${request.path}`]
          for (const problem of problems) {
            findings.add({
              where: `table ${table}`,
              problem: `its declared request ${request.method} ${request.path} disagrees with the source`,
              expected: 'the declaration and the endpoint to describe the same API',
              received: problem,
              fix: 'fix whichever is wrong against the API documentation: the table declaration or the simulator spec',
            })
          }
        }
      })
    }
    findings.throwIfAny()
    if (tested === 0) context.skip('no table declares its requests (describeTable)')
  },
})

/** Checks of what tables declare: typed offsets and requests (connector kit). */
export const declarationChecks = [offsetsTyped, declaredRequests] as const
