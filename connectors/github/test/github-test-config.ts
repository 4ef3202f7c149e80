/**
 * The GitHub connector's contract-suite configuration: the simulator, table options, and
 * how the mutation-based checks create and change records in each table's corpus.
 *
 * `commits` and `reviews` are reshaped by the connector, so their `toRow` says what row a
 * simulator record (GitHub's response shape) becomes. The mapping is written here from
 * GitHub's documented shapes, not taken from the connector, so the suite checks the
 * connector's flattening too. A review shows up through its pull request; the simulator's
 * `touches` rule updates the pull request when a review is inserted, as GitHub does.
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

/** GitHub sends `{}` for a commit author it cannot match to an account; the row has null. */
function accountOrNull(value: unknown): unknown {
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0 ? value : null
}

/** The row for a commit as `GET /repos/{owner}/{repo}/commits` returns it: the git commit flattened. */
export function commitRow(commit: RawRecord): RawRecord {
  const git = commit.commit as Record<string, any>
  return {
    sha: commit.sha,
    node_id: commit.node_id,
    commit_message: git.message,
    commit_author_name: git.author.name,
    commit_author_email: git.author.email,
    commit_author_date: git.author.date,
    commit_committer_name: git.committer.name,
    commit_committer_email: git.committer.email,
    commit_committer_date: git.committer.date,
    commit_comment_count: git.comment_count,
    commit_tree_sha: git.tree.sha,
    commit_verification: git.verification,
    html_url: commit.html_url,
    url: commit.url,
    comments_url: commit.comments_url,
    author: accountOrNull(commit.author),
    committer: accountOrNull(commit.committer),
    parents: commit.parents,
    repository_owner: 'octo-org',
    repository_name: 'hello-world',
  }
}

/** The row for a review: GitHub's review plus the pull request number and the repository. */
export const reviewRow = (review: RawRecord): RawRecord => ({
  ...review,
  repository_owner: 'octo-org',
  repository_name: 'hello-world',
})

const issue = template('issues')
const pull = template('pull_requests')
const comment = template('comments')
const event = template('issue_events')
const branch = template('branches')
const commit = template('commits')
const review = template('reviews')

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
    commits: {
      corpus: 'commits',
      // A new commit on the default branch (the simulator stamps commit.committer.date).
      newRecord: (index) => ({ ...commit, sha: (0xc0_00_00_00 + index).toString(16).padEnd(40, '0') }),
      toRow: commitRow,
    },
    reviews: {
      corpus: 'reviews',
      // A review submitted now on a pull request of the corpus (its pull request is updated with it).
      newRecord: (index) => ({ ...review, id: 5_300_000_000 + index, state: 'APPROVED' }),
      toRow: reviewRow,
    },
    branches: {
      corpus: 'branches',
      newRecord: (index) => ({ ...branch, name: `feature/new-${index}` }),
      update: (_record, random) => ({ protected: random() < 0.5 }),
    },
  },
  memory: {
    table: 'issues',
    tableOptions: { ...repository, per_page: '100' },
  },
}
