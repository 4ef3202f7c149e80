/**
 * The GitHub connector's contract-suite configuration: the simulator, table options, and
 * how the mutation-based checks create and change records in each table's corpus.
 *
 * `commits` and `reviews` are read by every check but are not mutation targets: a commit
 * record is reshaped (the git commit flattened as upstream does, `{}` authors made null), so
 * a raw simulator record is not the row the connector returns; and a review only shows up
 * through its pull request. Their incremental behaviour is tested in `commits.test.ts` and
 * `incremental.test.ts`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RawRecord } from '@lakeflow/core/connector'
import type { ConnectorTestConfig } from '@lakeflow/testkit'
import { connector } from '../src/index.ts'
import { CORPUS_DIR, SPEC_PATH, TOKEN } from './helpers.ts'

/** GitHub's default page size, so every table spans several pages. */
const repository = { owner: 'octo-org', repo: 'hello-world', per_page: '30' }

function corpusFile(name: string): unknown {
  return JSON.parse(readFileSync(join(CORPUS_DIR, `${name}.json`), 'utf8'))
}

/** The first record of a corpus file: the template new records are made from. */
function template(corpus: string): RawRecord {
  return structuredClone((corpusFile(corpus) as RawRecord[])[0]!)
}

/**
 * The corpus with each list cut to its first `size` records: still several pages and every
 * column populated, but small enough that the suite's exhaustive checks (a crash at every
 * page boundary of every table) stay within their time limits on a shared machine. The
 * connector's own tests read the whole corpus.
 */
function trimmedCorpus(size: number): Record<string, unknown> {
  const names = ['issues', 'pull_requests', 'comments', 'reviews', 'issue_events', 'commits', 'repositories']
  const extra = ['branches', 'assignees', 'collaborators', 'organizations', 'teams', 'user', 'rate_limit']
  const corpus: Record<string, unknown> = {}
  for (const name of names) corpus[name] = (corpusFile(name) as RawRecord[]).slice(0, size)
  for (const name of extra) corpus[name] = corpusFile(name)
  return corpus
}

const issue = template('issues')
const pull = template('pull_requests')
const comment = template('comments')
const event = template('issue_events')
const branch = template('branches')

/** The contract-suite configuration (also usable in live mode with `LAKEFLOW_TEST_CONFIG_JSON`). */
export const githubTestConfig: ConnectorTestConfig = {
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  // The suite makes thousands of requests: a high budget here; shared-rate-budget checks a low one.
  options: ({ baseUrl }) => ({ token: TOKEN, base_url: baseUrl, max_requests_per_second: 1000 }),
  requestRate: { perSecond: 20, burst: 10, options: { max_requests_per_second: 20 } },
  simulator: { spec: SPEC_PATH, corpus: trimmedCorpus(150) },
  sampleRecords: 200,
  tableOptions: {
    issues: repository,
    pull_requests: repository,
    comments: repository,
    commits: { ...repository, window_seconds: String(30 * 86_400) },
    assignees: repository,
    branches: repository,
    collaborators: repository,
    reviews: repository,
    issue_events: repository,
    repositories: { org: 'octo-org', per_page: '30' },
    organizations: { per_page: '10' },
    teams: { per_page: '10' },
  },
  // The corpus is large: capped reads of ~550 comments take more than upstream's 50 calls.
  readTerminationMaxIterations: 150,
  allowUnusedEndpoints: [
    // Serves the `owner` form of `repositories`; the suite reads the `org` form.
    'GET /users/{username}/repos',
    // Only asked when a read needs the server clock before any other request (commits from a stored offset).
    'GET /rate_limit',
  ],
  tables: {
    issues: {
      corpus: 'issues',
      newRecord: (index) => ({
        ...issue,
        id: 5_000_000_000 + index,
        number: 10_000 + index,
        title: `New issue ${index}`,
      }),
      update: (_record, random) => ({ state: random() < 0.5 ? 'closed' : 'open', comments: Math.floor(random() * 9) }),
    },
    pull_requests: {
      corpus: 'pull_requests',
      newRecord: (index) => ({
        ...pull,
        id: 5_100_000_000 + index,
        number: 20_000 + index,
        title: `New pull ${index}`,
      }),
      update: (_record, random) => ({ draft: random() < 0.5 }),
    },
    comments: {
      corpus: 'comments',
      newRecord: (index) => ({ ...comment, id: 5_200_000_000 + index, body: `New comment ${index}` }),
      update: (_record, random) => ({ body: `Edited ${Math.floor(random() * 1000)}` }),
    },
    issue_events: {
      corpus: 'issue_events',
      // Event ids grow with creation on GitHub: new ones sort above the corpus.
      newRecord: (index) => ({ ...event, id: 9_900_000_000 + index, event: 'labeled' }),
    },
    branches: {
      corpus: 'branches',
      newRecord: (index) => ({ ...branch, name: `feature/new-${index}` }),
      update: (_record, random) => ({ protected: random() < 0.5 }),
    },
  },
  memory: {
    table: 'issues',
    count: 100_000,
    tableOptions: { ...repository, per_page: '100' },
  },
}
