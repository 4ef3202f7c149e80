/**
 * Generates the simulated GitHub corpus (`simulator/corpus/*.json`) from a fixed seed.
 * Run after changing it, then commit the JSON:
 *
 *     pnpm --filter @lakeflow/connector-github generate-corpus
 *
 * Every record is shaped like GitHub's documented REST response for its endpoint, plus
 * `repository_owner`/`repository_name` on the repository-scoped records the connector
 * returns as they are, and `pull_number` on reviews (which the simulator filters the
 * per-pull-request endpoint by): GitHub does not send them, the connector sets the same
 * columns itself. Commits (flattened by the connector) and reviews carry no repository
 * columns: the contract suite maps them to rows with `toRow` (test/github-test-config.ts).
 * All people, organizations and repositories are fictional.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { finishActivity, makeActivity } from './corpus-activity.ts'
import { makeCommits } from './corpus-commits.ts'
import {
  API,
  account,
  iso,
  makeLabels,
  makeMilestones,
  makeUsers,
  ORG,
  Random,
  REPO,
  REPO_ID,
  repositoryObject,
  WEB,
} from './corpus-people.ts'

type Json = Record<string, any>

const SEED = 20_240_601
const START = Date.parse('2022-07-01T00:00:00Z')
/** Everything happens before the simulator's default clock, 2024-06-01T00:00:00Z. */
const END = Date.parse('2024-05-31T18:00:00Z')
const DAY = 86_400_000

const random = new Random(SEED)
const users = makeUsers(random, 60)
const organization = account(ORG, 90_400_001, 'Organization', random)
const repository = repositoryObject(random, organization, REPO, REPO_ID, START - 200 * DAY)
Object.assign(repository, {
  private: false,
  fork: false,
  archived: false,
  visibility: 'public',
  default_branch: 'main',
})

function organizationSimple(login: string, id: number): Json {
  const base = `${API}/orgs/${login}`
  return {
    login,
    id,
    node_id: random.nodeId('O'),
    url: base,
    repos_url: `${base}/repos`,
    events_url: `${base}/events`,
    hooks_url: `${base}/hooks`,
    issues_url: `${base}/issues`,
    members_url: `${base}/members{/member}`,
    public_members_url: `${base}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    description: random.chance(0.7) ? `The ${login.replace(/-/g, ' ')} engineering organization` : null,
  }
}

const organizations = [organizationSimple(ORG, 90_400_001)]
for (let index = 1; index < 32; index++)
  organizations.push(organizationSimple(`sim-org-${String(index).padStart(2, '0')}`, 90_400_001 + index * 19))

function teamSimple(org: Json, name: string, id: number): Json {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
  const base = `${API}/organizations/${org.id}/team/${id}`
  return {
    id,
    node_id: random.nodeId('T'),
    url: base,
    members_url: `${base}/members{/member}`,
    name,
    description: random.chance(0.8) ? `${name} owners` : null,
    permission: 'pull',
    privacy: random.pick(['closed', 'secret']),
    notification_setting: random.pick(['notifications_enabled', 'notifications_disabled']),
    html_url: `${WEB}/orgs/${org.login}/teams/${slug}`,
    repositories_url: `${base}/repos`,
    slug,
  }
}

const TEAM_NAMES = ['Platform', 'Storage', 'Query Engine', 'Docs', 'Release', 'Security', 'Frontend', 'SRE', 'Data']
const teams: Json[] = []
for (let index = 0; index < 36; index++) {
  const org = organizations[index % 4]!
  const team = teamSimple(
    org,
    `${TEAM_NAMES[index % TEAM_NAMES.length]}${index >= TEAM_NAMES.length ? ` ${Math.floor(index / TEAM_NAMES.length) + 1}` : ''}`,
    3_300_000 + index * 23,
  )
  const parentCandidate = teams.find((candidate) => candidate.organization.id === org.id)
  const created = START - random.int(10, 400) * DAY
  teams.push({
    ...team,
    parent: parentCandidate && random.chance(0.3) ? teamSimple(org, parentCandidate.name, parentCandidate.id) : null,
    members_count: random.int(1, 25),
    repos_count: random.int(0, 40),
    created_at: iso(created),
    updated_at: iso(created + random.int(1, 300) * DAY),
    organization: {
      ...org,
      name: org.login === ORG ? 'Octo Org' : `Sim Org ${org.id}`,
      company: null,
      blog: `https://${org.login}.example.com`,
      location: random.pick(['Remote', 'Lisbon', null]),
      email: null,
      twitter_username: null,
      is_verified: random.chance(0.5),
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: random.int(1, 150),
      public_gists: 0,
      followers: random.int(0, 500),
      following: 0,
      html_url: `${WEB}/${org.login}`,
      type: 'Organization',
      created_at: iso(START - 900 * DAY),
      updated_at: iso(START + 100 * DAY),
      archived_at: null,
    },
  })
}

const activity = makeActivity(
  {
    random,
    users,
    labels: makeLabels(random),
    milestones: makeMilestones(random, users, START),
    teams: teams.map(
      ({ organization: _o, members_count: _m, repos_count: _r, created_at: _c, updated_at: _u, ...simple }) => simple,
    ),
    repository,
    end: END,
  },
  300,
  START,
)

/** Bulk edits: groups of issues (and comments) sharing one `updated_at`, including one wider than a page. */
function tie(records: Json[], size: number, at: number): void {
  const candidates = records.filter(
    (record) => Date.parse(record.created_at) < at && Date.parse(record.updated_at) <= at,
  )
  for (const record of random.sample(candidates, size)) record.updated_at = iso(at)
}
tie(activity.issues, 12, Date.parse('2023-09-14T09:30:00Z'))
tie(activity.issues, 45, Date.parse('2024-02-02T16:00:00Z'))
tie(activity.issues, 7, Date.parse('2024-05-20T08:15:00Z'))
tie(activity.comments, 35, Date.parse('2024-03-11T12:00:00Z'))
const issueByNumber = new Map(activity.issues.map((issue) => [issue.number, issue]))
for (const pull of activity.pulls) pull.updated_at = issueByNumber.get(pull.number)!.updated_at
finishActivity(activity, END)

const commits = makeCommits(random, users, 450, START, END).reverse() // newest first, as GitHub lists them

const repositories = [repository]
const REPO_NAMES = ['api', 'web', 'cli', 'docs', 'infra', 'sdk', 'worker', 'gateway', 'billing', 'search']
for (let index = 1; index < 120; index++) {
  const name = `${REPO_NAMES[index % REPO_NAMES.length]}-${Math.floor(index / REPO_NAMES.length) + 1}`
  repositories.push(
    repositoryObject(random, organization, name, REPO_ID + index * 41, START - random.int(0, 600) * DAY),
  )
}
// Some repositories were created from an older template repository (`template_repository`),
// drawn from a random source of their own so the values generated after them stay as they were.
const templateRandom = new Random(SEED + 1)
const templates = repositories.filter((candidate) => candidate.is_template)
for (const created of repositories) {
  const older = templates.filter((template) => template.created_at < created.created_at)
  if (older.length > 0 && templateRandom.chance(0.25)) {
    created.template_repository = structuredClone(templateRandom.pick(older))
  }
}

const branches: Json[] = []
for (let index = 0; index < 120; index++) {
  const name =
    index === 0
      ? 'main'
      : index === 1
        ? 'develop'
        : index < 8
          ? `release/1.${index - 2}`
          : `feature/${random.pick(['parser', 'storage', 'cli', 'docs'])}-${index}`
  const sha = random.hex(40)
  const isProtected = index < 8
  branches.push({
    name,
    commit: { sha, url: `${API}/repos/${ORG}/${REPO}/commits/${sha}` },
    protected: isProtected,
    protection: {
      enabled: isProtected,
      required_status_checks: isProtected
        ? {
            enforcement_level: 'non_admins',
            contexts: ['ci/test', 'ci/lint'],
            checks: [
              { context: 'ci/test', app_id: 15368 },
              { context: 'ci/lint', app_id: null },
            ],
          }
        : { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${API}/repos/${ORG}/${REPO}/branches/${encodeURIComponent(name)}/protection`,
  })
}

const assignees = random.sample(users, 40)
const collaborators = random.sample(users, 45).map((user, index) => {
  const role = index === 0 ? 'admin' : random.pick(['maintain', 'write', 'write', 'triage', 'read'])
  const level = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(role)
  return {
    ...user,
    permissions: { pull: true, triage: level >= 1, push: level >= 2, maintain: level >= 3, admin: level >= 4 },
    role_name: role,
  }
})

const me = users[0]!
const authenticatedUser = {
  ...me,
  name: 'Amber Otter',
  company: '@octo-org',
  blog: 'https://amber-otter.example.com',
  location: 'Remote',
  email: 'amber-otter@users.noreply.example.com',
  notification_email: 'amber-otter@users.noreply.example.com',
  hireable: false,
  bio: 'Simulated account for connector tests.',
  twitter_username: 'amber_otter_sim',
  public_repos: 12,
  public_gists: 1,
  followers: 20,
  following: 3,
  created_at: '2019-04-02T08:00:00Z',
  updated_at: '2024-05-01T10:00:00Z',
  private_gists: 2,
  total_private_repos: 4,
  owned_private_repos: 4,
  disk_usage: 10_240,
  collaborators: 2,
  two_factor_authentication: true,
  plan: { collaborators: 0, name: 'pro', space: 976_562_499, private_repos: 9999 },
}

const RESET = Math.floor(Date.parse('2024-06-01T01:00:00Z') / 1000)
const bucket = (limit: number, used: number) => ({ limit, used, remaining: limit - used, reset: RESET })
const rateLimit = {
  resources: {
    core: bucket(5000, 13),
    search: bucket(30, 0),
    graphql: bucket(5000, 0),
    integration_manifest: bucket(5000, 0),
  },
  rate: bucket(5000, 13),
}

/**
 * Repository-scoped records also carry the repository they belong to, which GitHub does
 * not send; the connector sets the same two columns itself, so a simulator record and the
 * row the connector reads from it compare equal.
 */
const inRepository = (records: Json[]) =>
  records.map((record) => ({ ...record, repository_owner: ORG, repository_name: REPO }))

const corpus: Record<string, unknown> = {
  issues: inRepository(activity.issues),
  pull_requests: inRepository(activity.pulls),
  comments: inRepository(activity.comments),
  reviews: activity.reviews,
  issue_events: inRepository(activity.events),
  commits,
  repositories,
  branches: inRepository(branches),
  assignees: inRepository(assignees),
  collaborators: inRepository(collaborators),
  organizations,
  teams,
  user: authenticatedUser,
  rate_limit: rateLimit,
}

const directory = join(dirname(fileURLToPath(import.meta.url)), 'corpus')
mkdirSync(directory, { recursive: true })
for (const [name, value] of Object.entries(corpus)) {
  // One record per line: small diffs when the generator changes.
  const text = Array.isArray(value)
    ? `[\n${value.map((record) => JSON.stringify(record)).join(',\n')}\n]\n`
    : `${JSON.stringify(value, null, 2)}\n`
  writeFileSync(join(directory, `${name}.json`), text)
  console.log(`${name}.json: ${Array.isArray(value) ? `${value.length} records` : 'one object'}`)
}
