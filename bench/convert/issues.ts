// GitHub-issue-shaped records (as the REST API returns them, ~2 KB each) and their schema,
// generated deterministically from a seed. Synthetic data: no real people or secrets.
import { seededRandom } from '../../packages/core/src/internal/index.ts'
import { Spark } from '../../packages/core/src/schema/index.ts'

const user = Spark.struct({
  login: Spark.string(),
  id: Spark.long(),
  node_id: Spark.string(),
  avatar_url: Spark.string(),
  gravatar_id: Spark.string(),
  url: Spark.string(),
  html_url: Spark.string(),
  type: Spark.string(),
  site_admin: Spark.boolean(),
})

const label = Spark.struct({
  id: Spark.long(),
  node_id: Spark.string(),
  url: Spark.string(),
  name: Spark.string(),
  color: Spark.string(),
  default: Spark.boolean(),
  description: Spark.string(),
})

/** The issues table schema (a subset of the GitHub connector's, same shapes). */
export const issueSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  url: Spark.string(),
  repository_url: Spark.string(),
  html_url: Spark.string(),
  number: Spark.long(),
  state: Spark.string(),
  state_reason: Spark.string(),
  title: Spark.string(),
  body: Spark.string(),
  user,
  labels: Spark.array(label),
  assignee: user,
  assignees: Spark.array(user),
  milestone: Spark.struct({
    id: Spark.long(),
    number: Spark.long(),
    title: Spark.string(),
    description: Spark.string(),
    creator: user,
    open_issues: Spark.long(),
    closed_issues: Spark.long(),
    state: Spark.string(),
    created_at: Spark.timestamp(),
    updated_at: Spark.timestamp(),
    due_on: Spark.timestamp(),
    closed_at: Spark.timestamp(),
  }),
  locked: Spark.boolean(),
  active_lock_reason: Spark.string(),
  comments: Spark.long(),
  author_association: Spark.string(),
  reactions: Spark.struct({
    url: Spark.string(),
    total_count: Spark.long(),
    '+1': Spark.long(),
    '-1': Spark.long(),
    laugh: Spark.long(),
    hooray: Spark.long(),
    confused: Spark.long(),
    heart: Spark.long(),
    rocket: Spark.long(),
    eyes: Spark.long(),
  }),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  closed_at: Spark.timestamp(),
})

const WORDS =
  'the a fix bug when on of in crash error add support for option table read offset page retry schema null value record sync'.split(
    ' ',
  )
const LABELS = ['bug', 'enhancement', 'documentation', 'good first issue', 'help wanted', 'question', 'performance']

function isoTime(next: () => number): string {
  return new Date(Date.UTC(2019, 0, 1) + Math.floor(next() * 5 * 365 * 86_400_000))
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
}

function makeUser(next: () => number): Record<string, unknown> {
  const id = 1000 + Math.floor(next() * 90_000_000)
  const login = `user${id}`
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `https://api.github.com/users/${login}/followers`,
    type: 'User',
    site_admin: false,
  }
}

/** `count` issue records, about 2 KB of JSON each. */
export function makeIssues(count: number, seed = 1): Record<string, unknown>[] {
  const next = seededRandom(seed)
  const records: Record<string, unknown>[] = []
  for (let index = 0; index < count; index++) {
    const number = index + 1
    const base = `https://api.github.com/repos/example/project/issues/${number}`
    const words = Array.from({ length: 40 + Math.floor(next() * 60) }, () => WORDS[Math.floor(next() * WORDS.length)])
    const closed = next() < 0.4
    const labels = Array.from({ length: Math.floor(next() * 4) }, (_unused, labelIndex) => ({
      id: 200_000_000 + labelIndex,
      node_id: `MDU6TGFiZWw${labelIndex}`,
      url: `https://api.github.com/repos/example/project/labels/${labelIndex}`,
      name: LABELS[labelIndex % LABELS.length],
      color: 'd73a4a',
      default: labelIndex === 0,
      description: 'Something is not working',
    }))
    const assignee = next() < 0.5 ? makeUser(next) : null
    records.push({
      url: base,
      repository_url: 'https://api.github.com/repos/example/project',
      labels_url: `${base}/labels{/name}`,
      comments_url: `${base}/comments`,
      html_url: `https://github.com/example/project/issues/${number}`,
      id: 1_000_000_000 + index,
      node_id: `I_kwDOABCD${index}`,
      number,
      title: words.slice(0, 8).join(' '),
      user: makeUser(next),
      labels,
      state: closed ? 'closed' : 'open',
      locked: false,
      assignee,
      assignees: assignee ? [assignee] : [],
      milestone:
        next() < 0.3
          ? {
              id: 5_000_000 + index,
              number: 3,
              title: 'v1.0',
              description: 'First release',
              creator: makeUser(next),
              open_issues: Math.floor(next() * 50),
              closed_issues: Math.floor(next() * 100),
              state: 'open',
              created_at: isoTime(next),
              updated_at: isoTime(next),
              due_on: null,
              closed_at: null,
            }
          : null,
      comments: Math.floor(next() * 20),
      created_at: isoTime(next),
      updated_at: isoTime(next),
      closed_at: closed ? isoTime(next) : null,
      author_association: 'CONTRIBUTOR',
      active_lock_reason: null,
      body: words.join(' '),
      reactions: {
        url: `${base}/reactions`,
        total_count: 3,
        '+1': 2,
        '-1': 0,
        laugh: 0,
        hooray: 1,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
      timeline_url: `${base}/timeline`,
      performed_via_github_app: null,
      state_reason: closed ? 'completed' : null,
    })
  }
  return records
}
