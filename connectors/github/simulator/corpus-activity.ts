/**
 * The activity of the simulated repository `octo-org/hello-world`: issues and pull
 * requests with their comments, reviews and events, and the commit history. Times are
 * consistent the way GitHub's are (an issue's `updated_at` is at or after its last
 * comment, event and review), and include the hard cases: many records sharing one
 * `updated_at` across page boundaries, commits on exact window boundaries and sharing one
 * commit time, unmatched commit authors (`null` and `{}`), pending reviews.
 */
import { API, githubApp, iso, ORG, type Random, REPO, reactions, WEB } from './corpus-people.ts'
import { pullRequest } from './corpus-pulls.ts'

type Json = Record<string, any>

const DAY = 86_400_000
const REPO_API = `${API}/repos/${ORG}/${REPO}`
const REPO_WEB = `${WEB}/${ORG}/${REPO}`

const TITLES = ['Crash when', 'Support', 'Document', 'Slow query on', 'Flaky test in', 'Refactor', 'Add option for']
const SUBJECTS = [
  'empty input',
  'unicode names',
  'large pages',
  'the storage engine',
  'the CLI',
  'retries',
  'émoji 🚀 titles',
]

/** Everything generated for the repository. */
export interface Activity {
  issues: Json[]
  pulls: Json[]
  comments: Json[]
  reviews: Json[]
  events: Json[]
}

export interface Context {
  random: Random
  users: Json[]
  labels: Json[]
  milestones: Json[]
  teams: Json[]
  repository: Json
  end: number
}

function body(random: Random, paragraphs: number): string | null {
  if (random.chance(0.08)) return null
  const lines = [
    'Steps to reproduce:',
    '1. Run `widgets sync --all`',
    '2. Wait for the second page',
    'Expected the job to finish.',
  ]
  return Array.from({ length: paragraphs }, () => random.sample(lines, random.int(1, 4)).join('\n')).join('\n\n')
}

/** Builds issues (some of them pull requests) and all their activity. */
export function makeActivity(context: Context, issueCount: number, start: number): Activity {
  const { random, users } = context
  const issues: Json[] = []
  const pulls: Json[] = []
  const comments: Json[] = []
  const reviews: Json[] = []
  const events: Json[] = []
  const app = githubApp(random, users[users.length - 1]!)
  let created = start
  // Spread creation over the whole period, leaving the last month for updates only.
  const meanStepHours = Math.floor((context.end - start - 30 * DAY) / issueCount / 3_600_000)
  for (let number = 1; number <= issueCount; number++) {
    created += random.int(1, 2 * meanStepHours - 1) * 3_600_000 + random.int(0, 3599) * 1000
    const isPull = random.chance(0.5)
    const author = random.pick(users)
    const closed = created < context.end - 10 * DAY && random.chance(0.6)
    const closedAt = closed ? Math.min(created + random.int(1, 90 * 24) * 3_600_000, context.end - DAY) : undefined
    const assignees = random.sample(users, random.chance(0.6) ? random.int(1, 2) : 0)
    const issueLabels = random.sample(context.labels, random.int(0, 3))
    const locked = random.chance(0.04)
    const issue: Json = {
      id: 2_050_000_000 + number * 17,
      node_id: random.nodeId('I'),
      url: `${REPO_API}/issues/${number}`,
      repository_url: REPO_API,
      labels_url: `${REPO_API}/issues/${number}/labels{/name}`,
      comments_url: `${REPO_API}/issues/${number}/comments`,
      events_url: `${REPO_API}/issues/${number}/events`,
      html_url: `${REPO_WEB}/${isPull ? 'pull' : 'issues'}/${number}`,
      number,
      state: closed ? 'closed' : 'open',
      state_reason: closed
        ? random.chance(0.85)
          ? 'completed'
          : 'not_planned'
        : random.chance(0.05)
          ? 'reopened'
          : null,
      title: `${random.pick(TITLES)} ${random.pick(SUBJECTS)}`,
      body: body(random, random.int(1, 3)),
      user: author,
      labels: issueLabels,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: random.chance(0.35) ? random.pick(context.milestones) : null,
      locked,
      active_lock_reason: locked ? random.pick(['resolved', 'off-topic', 'too heated', 'spam']) : null,
      comments: 0,
      pull_request: null,
      closed_at: closedAt === undefined ? null : iso(closedAt),
      created_at: iso(created),
      updated_at: iso(created),
      closed_by: closed ? random.pick(users) : null,
      author_association: random.pick(['OWNER', 'MEMBER', 'CONTRIBUTOR', 'NONE', 'FIRST_TIME_CONTRIBUTOR']),
      timeline_url: `${REPO_API}/issues/${number}/timeline`,
      performed_via_github_app: random.chance(0.05) ? app : null,
      reactions: reactions(random, `${REPO_API}/issues/${number}`),
      sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
    }
    if (!isPull && random.chance(0.1)) {
      const total = random.int(1, 6)
      const completed = random.int(0, total)
      issue.sub_issues_summary = { total, completed, percent_completed: Math.round((completed / total) * 100) }
    }
    let latest = closedAt ?? created
    const touch = (time: number) => {
      latest = Math.max(latest, time)
    }
    // Comments.
    const commentCount = random.chance(0.7) ? random.int(1, 4) : 0
    for (let index = 0; index < commentCount; index++) {
      const at = Math.min(created + random.int(1, 60 * 24) * 60_000 * (index + 1), context.end - 3_600_000)
      const edited = random.chance(0.2) ? Math.min(at + random.int(1, 72) * 3_600_000, context.end - 60_000) : at
      comments.push({
        node_id: random.nodeId('IC'),
        url: '',
        html_url: `${issue.html_url}#issuecomment-`,
        body: body(random, 1) ?? 'LGTM',
        user: random.pick(users),
        created_at: iso(at),
        updated_at: iso(edited),
        issue_url: `${REPO_API}/issues/${number}`,
        author_association: random.pick(['MEMBER', 'CONTRIBUTOR', 'NONE']),
        performed_via_github_app: random.chance(0.04) ? app : null,
        reactions: null,
        _sort: at,
      })
      touch(edited)
    }
    issue.comments = commentCount
    // Events: labels and assignees at creation, then closing, renames, locks.
    for (const label of issueLabels)
      events.push(
        event(random, 'labeled', created + 60_000, issue, { label: { name: label.name, color: label.color } }),
      )
    for (const assignee of assignees) {
      events.push(event(random, 'assigned', created + 120_000, issue, { assignee, assigner: random.pick(users) }))
    }
    if (issue.milestone)
      events.push(
        event(random, 'milestoned', created + 180_000, issue, { milestone: { title: issue.milestone.title } }),
      )
    if (random.chance(0.1)) {
      const at = created + random.int(1, 48) * 3_600_000
      events.push(event(random, 'renamed', at, issue, { rename: { from: `WIP ${issue.title}`, to: issue.title } }))
      touch(at)
    }
    if (random.chance(0.05)) {
      const at = created + random.int(1, 72) * 3_600_000
      const card = {
        url: `${API}/projects/columns/cards/${number}`,
        id: 41_000_000 + number,
        project_url: `${API}/projects/7001`,
        project_id: 7001,
      }
      events.push(
        event(random, 'added_to_project', at, issue, {
          project_card: { ...card, column_name: 'Triage', previous_column_name: null },
        }),
      )
      events.push(
        event(random, 'moved_columns_in_project', at + DAY, issue, {
          project_card: { ...card, column_name: 'In progress', previous_column_name: 'Triage' },
        }),
      )
      touch(at + DAY)
    }
    if (locked)
      events.push(
        event(random, 'locked', (closedAt ?? created) + 60_000, issue, { lock_reason: issue.active_lock_reason }),
      )
    if (isPull) {
      const pull = pullRequest(context, issue, number, random.chance(0.7) && closed)
      pulls.push(pull)
      issue.pull_request = {
        url: `${REPO_API}/pulls/${number}`,
        html_url: `${REPO_WEB}/pull/${number}`,
        diff_url: `${REPO_WEB}/pull/${number}.diff`,
        patch_url: `${REPO_WEB}/pull/${number}.patch`,
        merged_at: pull.merged_at,
      }
      issue.draft = pull.draft
      for (const reviewer of pull.requested_reviewers) {
        events.push(
          event(random, 'review_requested', created + 240_000, issue, {
            review_requester: author,
            requested_reviewer: reviewer,
          }),
        )
      }
      for (const team of pull.requested_teams) {
        events.push(
          event(random, 'review_requested', created + 250_000, issue, {
            review_requester: author,
            requested_team: team,
          }),
        )
      }
      const reviewCount = random.int(0, 4)
      for (let index = 0; index < reviewCount; index++) {
        const pending = index === reviewCount - 1 && random.chance(0.05)
        const at = Math.min(created + random.int(1, 20 * 24) * 3_600_000, context.end - 2 * 3_600_000)
        const state = pending
          ? 'PENDING'
          : random.pick(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'COMMENTED', 'DISMISSED'])
        reviews.push({
          node_id: random.nodeId('PRR'),
          user: random.pick(context.users),
          body: random.chance(0.5) ? '' : 'Looks good overall; one question inline.',
          state,
          html_url: `${REPO_WEB}/pull/${number}#pullrequestreview-`,
          pull_request_url: `${REPO_API}/pulls/${number}`,
          _links: {
            html: { href: `${REPO_WEB}/pull/${number}#pullrequestreview-` },
            pull_request: { href: `${REPO_API}/pulls/${number}` },
          },
          submitted_at: pending ? null : iso(at),
          commit_id: pull.head.sha,
          author_association: random.pick(['MEMBER', 'COLLABORATOR', 'CONTRIBUTOR']),
          pull_number: number,
          _sort: at,
        })
        if (!pending) touch(at)
        if (state === 'DISMISSED') {
          events.push(
            event(random, 'review_dismissed', at + 3_600_000, issue, {
              dismissed_review: {
                state: 'changes_requested',
                review_id: 0,
                dismissal_message: 'Addressed in a later commit',
                dismissal_commit_id: random.hex(40),
              },
            }),
          )
          touch(at + 3_600_000)
        }
      }
      if (pull.merged_at) {
        const at = Date.parse(pull.merged_at)
        events.push(
          event(random, 'merged', at, issue, {
            commit_id: pull.merge_commit_sha,
            commit_url: `${REPO_API}/commits/${pull.merge_commit_sha}`,
          }),
        )
        events.push(event(random, 'head_ref_deleted', at + 5000, issue, {}))
      }
    }
    if (closedAt !== undefined) {
      const commit = random.chance(0.3) ? random.hex(40) : null
      events.push(
        event(random, 'closed', closedAt, issue, {
          commit_id: commit,
          commit_url: commit ? `${REPO_API}/commits/${commit}` : null,
          performed_via_github_app: random.chance(0.1) ? app : null,
        }),
      )
      if (random.chance(0.08)) {
        events.push(event(random, 'reopened', closedAt + DAY, issue, {}))
        events.push(event(random, 'closed', closedAt + 2 * DAY, issue, {}))
        touch(closedAt + 2 * DAY)
      }
    }
    if (random.chance(0.15)) touch(Math.min(latest + random.int(1, 30) * DAY, context.end - 3_600_000))
    issue.updated_at = iso(Math.min(latest, context.end - 60_000))
    issues.push(issue)
  }
  return { issues, pulls, comments, reviews, events }
}

function event(random: Random, kind: string, at: number, issue: Json, extra: Json): Json {
  return {
    node_id: random.nodeId('E'),
    url: '',
    actor: issue.user,
    event: kind,
    commit_id: null,
    commit_url: null,
    created_at: iso(at),
    issue,
    author_association: issue.author_association,
    performed_via_github_app: null,
    ...extra,
    _sort: at,
  }
}

/** Assigns ids in time order (GitHub ids grow with creation) and the URLs that embed them. */
export function finishActivity(activity: Activity, end: number): void {
  const byTime = (left: Json, right: Json) => left._sort - right._sort
  activity.comments.sort(byTime).forEach((comment, index) => {
    comment.id = 1_900_000_000 + index * 7
    comment.url = `${REPO_API}/issues/comments/${comment.id}`
    comment.html_url += comment.id
    comment.reactions = {
      url: `${comment.url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    }
    delete comment._sort
  })
  activity.reviews.sort(byTime).forEach((review, index) => {
    review.id = 1_400_000_000 + index * 11
    review.html_url += review.id
    review._links.html.href += review.id
    delete review._sort
  })
  // Keep every event kind but only a share of the common ones: each event embeds its whole issue.
  const common = new Set(['labeled', 'assigned', 'closed', 'merged', 'head_ref_deleted', 'review_requested'])
  let kept = 0
  activity.events = activity.events
    .filter((item) => item._sort < end)
    .filter(
      (item) => !common.has(item.event) || item.requested_team || item.performed_via_github_app || kept++ % 5 === 0,
    )
    .sort(byTime)
  activity.events.forEach((item, index) => {
    item.id = 9_100_000_000 + index * 3
    item.url = `${REPO_API}/issues/events/${item.id}`
    delete item._sort
  })
}
