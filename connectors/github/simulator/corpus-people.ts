/**
 * Deterministic building blocks of the simulated GitHub corpus: a seeded random source,
 * fictional accounts (generated `adjective-animal` logins, no real people), labels,
 * milestones, reactions, apps and repositories, shaped like GitHub's REST responses.
 */
import { seededRandom } from '@lakeflow/core/internal'
import { repositorySettings, repositoryUrlTemplates } from './corpus-repository-details.ts'

/** A seeded pseudo-random source (mulberry32): the same seed gives the same corpus. */
export class Random {
  /** A float in [0, 1). */
  readonly next: () => number

  constructor(seed: number) {
    this.next = seededRandom(seed)
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** Up to `count` distinct items. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items]
    const out: T[] = []
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!)
    return out
  }

  /** Lower-case hex digits. */
  hex(length: number): string {
    let out = ''
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16)
    return out
  }

  /** A GitHub-style global node id: a prefix and base64url-ish characters. */
  nodeId(prefix: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'
    let out = `${prefix}_kwDO`
    for (let index = 0; index < 16; index++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}

export const API = 'https://api.github.com'
export const WEB = 'https://github.com'
export const ORG = 'octo-org'
export const REPO = 'hello-world'
export const REPO_ID = 612_300_001

type Json = Record<string, any>

/** GitHub's time format. */
export function iso(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`
}

const ADJECTIVES = [
  'amber',
  'brisk',
  'cobalt',
  'dusty',
  'eager',
  'fuzzy',
  'gentle',
  'hazel',
  'ivory',
  'jolly',
  'keen',
  'lunar',
]
const ANIMALS = [
  'otter',
  'heron',
  'lynx',
  'marten',
  'puffin',
  'gecko',
  'ibex',
  'koala',
  'newt',
  'okapi',
  'quokka',
  'tapir',
]

/** A `simple-user` (or an organization account when `type` is `Organization`). */
export function account(login: string, id: number, type: 'User' | 'Organization' | 'Bot', random: Random): Json {
  const base = `${API}/users/${login}`
  return {
    login,
    id,
    node_id: random.nodeId(type === 'Organization' ? 'O' : 'U'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: base,
    html_url: `${WEB}/${login}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  }
}

/** `count` fictional users with ids from 70_100_000. */
export function makeUsers(random: Random, count: number): Json[] {
  const users: Json[] = []
  for (let index = 0; index < count; index++) {
    const login = `${ADJECTIVES[index % ADJECTIVES.length]}-${ANIMALS[Math.floor(index / ADJECTIVES.length) % ANIMALS.length]}${index >= 144 ? index : ''}`
    users.push(account(login, 70_100_000 + index * 37, 'User', random))
  }
  users.push(account('sim-ci[bot]', 70_099_001, 'Bot', random))
  return users
}

export const LABELS = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['question', 'd876e3', 'Further information is requested'],
  ['priority: high', 'b60205', null],
  ['area: parser', 'fbca04', 'The query parser'],
  ['area: storage', 'c5def5', 'The storage engine'],
  ['needs triage', 'ededed', null],
] as const

/** The repository's labels, as `label` objects. */
export function makeLabels(random: Random): Json[] {
  return LABELS.map(([name, color, description], index) => ({
    id: 5_210_000_000 + index * 101,
    node_id: random.nodeId('LA'),
    url: `${API}/repos/${ORG}/${REPO}/labels/${encodeURIComponent(name)}`,
    name,
    description,
    color,
    default: index < 6,
  }))
}

/** A few milestones (`milestone` objects), some closed. */
export function makeMilestones(random: Random, users: Json[], start: number): Json[] {
  return ['v1.0', 'v1.1', 'v1.2', 'v2.0', 'Backlog'].map((title, index) => {
    const number = index + 1
    const created = start + index * 60 * 86_400_000
    const closed = index < 2
    return {
      url: `${API}/repos/${ORG}/${REPO}/milestones/${number}`,
      html_url: `${WEB}/${ORG}/${REPO}/milestone/${number}`,
      labels_url: `${API}/repos/${ORG}/${REPO}/milestones/${number}/labels`,
      id: 9_800_000 + number,
      node_id: random.nodeId('MI'),
      number,
      state: closed ? 'closed' : 'open',
      title,
      description: title === 'Backlog' ? null : `Release ${title}`,
      creator: random.pick(users),
      open_issues: random.int(0, 40),
      closed_issues: random.int(5, 80),
      created_at: iso(created),
      updated_at: iso(created + 20 * 86_400_000),
      closed_at: closed ? iso(created + 45 * 86_400_000) : null,
      due_on: title === 'Backlog' ? null : iso(created + 50 * 86_400_000),
    }
  })
}

/** A `reaction-rollup` for an issue or comment URL. */
export function reactions(random: Random, url: string): Json {
  const counts = {
    '+1': random.chance(0.4) ? random.int(1, 12) : 0,
    '-1': random.chance(0.05) ? 1 : 0,
    laugh: random.chance(0.1) ? random.int(1, 3) : 0,
    confused: random.chance(0.05) ? 1 : 0,
    heart: random.chance(0.2) ? random.int(1, 5) : 0,
    hooray: random.chance(0.1) ? random.int(1, 4) : 0,
    eyes: random.chance(0.15) ? random.int(1, 3) : 0,
    rocket: random.chance(0.1) ? random.int(1, 6) : 0,
  }
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0)
  return { url: `${url}/reactions`, total_count: total, ...counts }
}

/** A GitHub App (`integration`), as in `performed_via_github_app`. */
export function githubApp(random: Random, owner: Json): Json {
  return {
    id: 310_001,
    slug: 'sim-triage-bot',
    node_id: random.nodeId('A'),
    client_id: 'Iv1.0123456789abcdef',
    owner,
    name: 'Sim Triage Bot',
    description: 'Labels and routes new issues',
    external_url: 'https://triage.example.com',
    html_url: `${WEB}/apps/sim-triage-bot`,
    created_at: '2022-03-01T10:00:00Z',
    updated_at: '2023-11-20T08:30:00Z',
    permissions: { issues: 'write', metadata: 'read', pull_requests: 'read' },
    events: ['issues', 'issue_comment', 'label'],
  }
}

/** A repository as listings return it (`minimal-repository`). */
export function repositoryObject(random: Random, owner: Json, name: string, id: number, created: number): Json {
  const full = `${owner.login}/${name}`
  const base = `${API}/repos/${full}`
  const archived = random.chance(0.08)
  const forks = random.int(0, 300)
  const stars = random.int(0, 5000)
  const openIssues = random.int(0, 200)
  const nodeId = random.nodeId('R')
  const isPrivate = random.chance(0.3)
  return {
    id,
    node_id: nodeId,
    name,
    full_name: full,
    owner,
    private: isPrivate,
    html_url: `${WEB}/${full}`,
    description: random.chance(0.85) ? `The ${name.replace(/-/g, ' ')} service` : null,
    fork: random.chance(0.1),
    url: base,
    ...repositoryUrlTemplates(base),
    forks_url: `${base}/forks`,
    teams_url: `${base}/teams`,
    hooks_url: `${base}/hooks`,
    events_url: `${base}/events`,
    tags_url: `${base}/tags`,
    languages_url: `${base}/languages`,
    stargazers_url: `${base}/stargazers`,
    contributors_url: `${base}/contributors`,
    subscribers_url: `${base}/subscribers`,
    subscription_url: `${base}/subscription`,
    merges_url: `${base}/merges`,
    downloads_url: `${base}/downloads`,
    deployments_url: `${base}/deployments`,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${WEB}/${full}.git`,
    svn_url: `${WEB}/${full}`,
    mirror_url: random.chance(0.03) ? `https://mirror.example.com/${full}.git` : null,
    homepage: random.chance(0.3) ? `https://${name}.example.com` : null,
    language: random.pick(['TypeScript', 'Go', 'Python', 'Rust', 'Java', null]),
    forks_count: forks,
    stargazers_count: stars,
    watchers_count: stars,
    size: random.int(10, 250_000),
    default_branch: random.chance(0.9) ? 'main' : 'master',
    open_issues_count: openIssues,
    is_template: random.chance(0.05),
    topics: random.sample(['database', 'cli', 'http', 'parser', 'observability', 'sdk'], random.int(0, 3)),
    has_issues: true,
    has_projects: random.chance(0.5),
    has_wiki: random.chance(0.4),
    has_pages: random.chance(0.1),
    has_downloads: true,
    has_discussions: random.chance(0.2),
    archived,
    disabled: false,
    visibility: random.pick(['public', 'private', 'internal']),
    pushed_at: iso(created + random.int(1, 500) * 86_400_000),
    created_at: iso(created),
    updated_at: iso(created + random.int(1, 520) * 86_400_000),
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    // Its own random source: these fields came later, and every other value stays as it was.
    ...repositorySettings(new Random(id), { forks, stars, private: isPrivate }),
    template_repository: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: random.chance(0.8)
      ? {
          key: 'apache-2.0',
          name: 'Apache License 2.0',
          url: `${API}/licenses/apache-2.0`,
          spdx_id: 'Apache-2.0',
          node_id: 'MDc6TGljZW5zZTI=',
        }
      : null,
    forks,
    open_issues: openIssues,
    watchers: stars,
  }
}
