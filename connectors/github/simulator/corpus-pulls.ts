/** A pull request (`pull-request-simple`) for an issue of the simulated repository. */
import type { Context } from './corpus-activity.ts'
import { API, ORG, REPO, WEB } from './corpus-people.ts'

type Json = Record<string, any>

const REPO_API = `${API}/repos/${ORG}/${REPO}`
const REPO_WEB = `${WEB}/${ORG}/${REPO}`

/** The pull request behind `issue`; `merged` when it was merged (at its closing time). */
export function pullRequest(context: Context, issue: Json, number: number, merged: boolean): Json {
  const { random } = context
  const headSha = random.hex(40)
  const fork = random.chance(0.2)
  const headRepo = fork
    ? random.chance(0.2)
      ? null
      : { ...context.repository, fork: true, full_name: `${issue.user.login}/${REPO}`, owner: issue.user }
    : context.repository
  const branch = `feature/${number}-${issue.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 24)}`
  const links = (path: string) => ({ href: path })
  const mergedAt = merged ? issue.closed_at : null
  return {
    url: `${REPO_API}/pulls/${number}`,
    id: 1_650_000_000 + number * 13,
    node_id: random.nodeId('PR'),
    html_url: `${REPO_WEB}/pull/${number}`,
    diff_url: `${REPO_WEB}/pull/${number}.diff`,
    patch_url: `${REPO_WEB}/pull/${number}.patch`,
    issue_url: `${REPO_API}/issues/${number}`,
    commits_url: `${REPO_API}/pulls/${number}/commits`,
    review_comments_url: `${REPO_API}/pulls/${number}/comments`,
    review_comment_url: `${REPO_API}/pulls/comments{/number}`,
    comments_url: `${REPO_API}/issues/${number}/comments`,
    statuses_url: `${REPO_API}/statuses/${headSha}`,
    number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: issue.user,
    body: issue.body,
    labels: issue.labels,
    milestone: issue.milestone,
    active_lock_reason: issue.active_lock_reason,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    merged_at: mergedAt,
    merge_commit_sha: issue.state === 'open' && random.chance(0.5) ? null : random.hex(40),
    assignee: issue.assignee,
    assignees: issue.assignees,
    requested_reviewers: issue.state === 'open' ? random.sample(context.users, random.int(0, 2)) : [],
    requested_teams: issue.state === 'open' && random.chance(0.25) ? random.sample(context.teams, 1) : [],
    head: {
      label: `${(headRepo?.owner ?? issue.user).login}:${branch}`,
      ref: branch,
      sha: headSha,
      user: headRepo?.owner ?? issue.user,
      repo: headRepo,
    },
    base: {
      label: `${ORG}:main`,
      ref: 'main',
      sha: random.hex(40),
      user: context.repository.owner,
      repo: context.repository,
    },
    _links: {
      self: links(`${REPO_API}/pulls/${number}`),
      html: links(`${REPO_WEB}/pull/${number}`),
      issue: links(`${REPO_API}/issues/${number}`),
      comments: links(`${REPO_API}/issues/${number}/comments`),
      review_comments: links(`${REPO_API}/pulls/${number}/comments`),
      review_comment: links(`${REPO_API}/pulls/comments{/number}`),
      commits: links(`${REPO_API}/pulls/${number}/commits`),
      statuses: links(`${REPO_API}/statuses/${headSha}`),
    },
    author_association: issue.author_association,
    auto_merge:
      issue.state === 'open' && random.chance(0.15)
        ? { enabled_by: issue.user, merge_method: 'squash', commit_title: issue.title, commit_message: '' }
        : null,
    draft: issue.state === 'open' && random.chance(0.2),
  }
}
