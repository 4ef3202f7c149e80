/**
 * Every connection and table option is validated with an `InvalidOptionsError` that names
 * the key, what was expected and what arrived; the token never appears in an error.
 */
import type { LakeflowConnector, TableOptions } from '@lakeflow/core/connector'
import { InvalidOptionsError } from '@lakeflow/core/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'
import { REPO, startSimulator, TOKEN } from './helpers.ts'

/** The error a function throws (synchronously or not), or a failure when it does not throw. */
async function errorOf(run: () => unknown): Promise<Error> {
  try {
    await run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error, none was thrown')
}

async function expectInvalid(run: () => unknown, key: string, problem: RegExp): Promise<void> {
  const error = await errorOf(run)
  expect(InvalidOptionsError.isInstance(error), String(error)).toBe(true)
  expect((error as InvalidOptionsError).key).toBe(key)
  expect(error.message).toMatch(problem)
  expect(error.message).not.toContain(TOKEN)
}

describe('connection options', () => {
  it('requires a token', async () => {
    await expectInvalid(() => connector.create({}), 'token', /required but missing/)
    await expectInvalid(() => connector.create({ token: '' }), 'token', /non-empty/)
  })

  it('defaults base_url to the public API and max_rate_limit_wait_seconds to 900', () => {
    expect(() => connector.create({ token: TOKEN })).not.toThrow()
  })

  it('rejects a base_url that is not an http(s) URL, without echoing the token', async () => {
    await expectInvalid(
      () => connector.create({ token: TOKEN, base_url: 'api.github.com' }),
      'base_url',
      /expected an http\(s\) URL such as "https:\/\/api.github.com".*got "api.github.com"/,
    )
    await expectInvalid(
      () => connector.create({ token: TOKEN, base_url: 'https://ghe.example.com/api/v3?x=1' }),
      'base_url',
      /no query/,
    )
    await expectInvalid(
      () => connector.create({ token: TOKEN, base_url: 'ftp://ghe.example.com' }),
      'base_url',
      /http\(s\)/,
    )
  })

  it('accepts GitHub Enterprise Server base URLs, with or without a trailing slash', () => {
    expect(() => connector.create({ token: TOKEN, base_url: 'https://ghe.example.com/api/v3' })).not.toThrow()
    expect(() => connector.create({ token: TOKEN, base_url: 'https://ghe.example.com/api/v3/' })).not.toThrow()
  })

  it('validates max_rate_limit_wait_seconds (strings are coerced, as Spark passes strings)', async () => {
    expect(() => connector.create({ token: TOKEN, max_rate_limit_wait_seconds: '60' })).not.toThrow()
    await expectInvalid(
      () => connector.create({ token: TOKEN, max_rate_limit_wait_seconds: '-1' }),
      'max_rate_limit_wait_seconds',
      />= 0/,
    )
    await expectInvalid(
      () => connector.create({ token: TOKEN, max_rate_limit_wait_seconds: 'soon' }),
      'max_rate_limit_wait_seconds',
      /integer/,
    )
  })

  it('validates max_requests_per_second (above 0, at most 1000; strings are coerced)', async () => {
    expect(() => connector.create({ token: TOKEN, max_requests_per_second: '2.5' })).not.toThrow()
    expect(() => connector.create({ token: TOKEN, max_requests_per_second: 1000 })).not.toThrow()
    await expectInvalid(
      () => connector.create({ token: TOKEN, max_requests_per_second: '0' }),
      'max_requests_per_second',
      /> 0/,
    )
    await expectInvalid(
      () => connector.create({ token: TOKEN, max_requests_per_second: '5000' }),
      'max_requests_per_second',
      /<= 1000/,
    )
    await expectInvalid(
      () => connector.create({ token: TOKEN, max_requests_per_second: 'fast' }),
      'max_requests_per_second',
      /number/,
    )
  })

  it('rejects unknown keys with a suggestion', async () => {
    await expectInvalid(() => connector.create({ token: TOKEN, base_uri: 'x' }), 'base_uri', /did you mean "base_url"/)
  })
})

describe('table options', () => {
  let github: LakeflowConnector
  let stop: () => Promise<void>

  beforeAll(async () => {
    const { simulator, baseUrl } = await startSimulator()
    stop = () => simulator.stop()
    github = connector.create({ token: TOKEN, base_url: baseUrl })
  })
  afterAll(() => stop())

  /** Validation runs when a read starts, before any request. */
  const read = (table: string, options: TableOptions) => () => github.readTable(table, {}, options).next()

  it('requires owner and repo on repository tables', async () => {
    for (const table of [
      'issues',
      'pull_requests',
      'comments',
      'commits',
      'assignees',
      'branches',
      'collaborators',
      'reviews',
      'issue_events',
    ]) {
      await expectInvalid(read(table, { repo: 'hello-world' }), 'owner', /required but missing/)
      await expectInvalid(read(table, { owner: 'octo-org' }), 'repo', /required but missing/)
    }
  })

  it('rejects owner and repo values that cannot be GitHub names (no path injection)', async () => {
    await expectInvalid(read('issues', { owner: 'octo-org/../x', repo: 'hello-world' }), 'owner', /matching/)
    await expectInvalid(read('issues', { owner: 'octo-org', repo: 'hello world' }), 'repo', /matching/)
  })

  it('validates state', async () => {
    await expectInvalid(read('issues', { ...REPO, state: 'merged' }), 'state', /one of "open", "closed", "all"/)
    await expectInvalid(read('pull_requests', { ...REPO, state: 'OPEN' }), 'state', /one of/)
  })

  it('validates per_page as an integer from 1 to 100', async () => {
    await expectInvalid(read('issues', { ...REPO, per_page: '0' }), 'per_page', />= 1/)
    await expectInvalid(read('issues', { ...REPO, per_page: '101' }), 'per_page', /<= 100/)
    await expectInvalid(read('branches', { ...REPO, per_page: 'lots' }), 'per_page', /integer/)
  })

  it('validates lookback_seconds, max_records_per_batch, window_seconds and pull_number', async () => {
    await expectInvalid(read('issues', { ...REPO, lookback_seconds: '-5' }), 'lookback_seconds', />= 0/)
    await expectInvalid(read('comments', { ...REPO, max_records_per_batch: '0' }), 'max_records_per_batch', />= 1/)
    await expectInvalid(read('commits', { ...REPO, window_seconds: '0' }), 'window_seconds', />= 1/)
    await expectInvalid(read('commits', { ...REPO, window_seconds: '1.5' }), 'window_seconds', /integer/)
    await expectInvalid(read('reviews', { ...REPO, pull_number: '0' }), 'pull_number', />= 1/)
  })

  it('validates start_date as a date or an ISO 8601 date-time', async () => {
    for (const table of ['issues', 'pull_requests', 'comments', 'commits', 'reviews', 'issue_events']) {
      await expectInvalid(
        read(table, { ...REPO, start_date: 'yesterday' }),
        'start_date',
        /expected a date such as "2024-01-01" or a date-time such as "2024-01-01T00:00:00Z", got "yesterday"/,
      )
    }
    await expectInvalid(read('commits', { ...REPO, start_date: '2024-13-01' }), 'start_date', /expected a date/)
    await expect(read('issues', { ...REPO, start_date: '2024-01-01' })()).resolves.toBeDefined()
    await expect(read('issues', { ...REPO, start_date: '2024-01-01T00:00:00Z' })()).resolves.toBeDefined()
  })

  it("ignores another table's options (one table_configuration for every table) and rejects unknown ones", async () => {
    // Options are parsed when readTable is called, before the first request.
    const shared = { ...REPO, start_date: '2024-01-01', window_seconds: '60', org: 'octo-org', scd_type: 'SCD_TYPE_1' }
    for (const table of ['issues', 'branches', 'users', 'organizations']) {
      const started = github.readTable(table, {}, shared)
      await started.return(null)
    }
    // Where a table takes the key, its value is still checked.
    await expectInvalid(read('commits', { ...shared, window_seconds: '0' }), 'window_seconds', />= 1/)
    await expectInvalid(
      read('branches', { ...REPO, windows_seconds: '60' }),
      'windows_seconds',
      /no table of connector github takes it; did you mean "window_seconds"\? This table takes: owner, repo, per_page$/,
    )
    await expectInvalid(
      read('users', { colour: 'red' }),
      'colour',
      /unknown option, no table of connector github takes it/,
    )
  })

  it('repositories needs exactly one of owner and org', async () => {
    await expectInvalid(read('repositories', {}), 'owner', /exactly one of "owner".*or "org"/)
    await expectInvalid(read('repositories', { owner: 'octo-org', org: 'octo-org' }), 'org', /exactly one/)
    await expect(read('repositories', { org: 'octo-org' })()).resolves.toBeDefined()
  })

  it('unknown tables raise UnknownTableError from every method', async () => {
    for (const run of [
      () => github.getTableSchema('nope', {}),
      () => github.readTableMetadata('nope', {}),
      () => github.readTable('nope', {}, {}).next(),
    ]) {
      const error = await errorOf(run)
      expect(error.name).toBe('UnknownTableError')
      expect(error.message).toContain('issue_events')
    }
  })
})
