/**
 * The simulated repository's commit history, newest last: increasing committer times, a
 * rebase burst sharing one commit time, commits exactly on midnight (where commit windows
 * meet), unmatched authors (`null` and `{}`), signed and unsigned commits.
 */
import { API, iso, ORG, type Random, REPO, WEB } from './corpus-people.ts'

type Json = Record<string, any>

const DAY = 86_400_000
const REPO_API = `${API}/repos/${ORG}/${REPO}`
const REPO_WEB = `${WEB}/${ORG}/${REPO}`
const SUBJECTS = [
  'empty input',
  'unicode names',
  'large pages',
  'the storage engine',
  'the CLI',
  'retries',
  'émoji 🚀 titles',
]

/** A linear commit history: increasing committer times, a rebase burst sharing one time, commits at midnight. */
export function makeCommits(random: Random, users: Json[], count: number, start: number, end: number): Json[] {
  const commits: Json[] = []
  let time = start
  let parent: string | undefined
  const step = Math.floor((end - start) / count)
  for (let index = 0; index < count; index++) {
    const burst = index >= 200 && index < 206 // a rebase: six commits with one committer time
    if (!burst || index === 200) time += random.int(Math.floor(step / 4), Math.floor(step * 1.6))
    // Every 25th commit lands exactly on a day boundary, where commit windows meet.
    const at = index % 25 === 0 && !burst ? Math.floor(time / DAY) * DAY : Math.floor(time / 1000) * 1000
    const sha = random.hex(40)
    const who = random.pick(users)
    const unmatched = random.chance(0.06)
    const author = unmatched ? (random.chance(0.5) ? null : {}) : who
    const signed = random.chance(0.3)
    commits.push({
      sha,
      node_id: random.nodeId('C'),
      commit: {
        author: {
          name: who.login.replace('-', ' '),
          email: `${who.login}@users.noreply.example.com`,
          date: iso(at - random.int(0, 3) * 3_600_000),
        },
        committer: { name: 'Sim Merge Queue', email: 'noreply@example.com', date: iso(at) },
        message: `${random.pick(['Fix', 'Add', 'Update', 'Remove', 'Refactor'])} ${random.pick(SUBJECTS)}\n\nPart of the ${random.pick(['v1.1', 'v2.0'])} work.`,
        tree: { sha: random.hex(40), url: `${REPO_API}/git/trees/${sha}` },
        url: `${REPO_API}/git/commits/${sha}`,
        comment_count: random.chance(0.05) ? random.int(1, 3) : 0,
        verification: {
          verified: signed,
          reason: signed ? 'valid' : 'unsigned',
          signature: signed ? '-----BEGIN PGP SIGNATURE-----\nsimulated\n-----END PGP SIGNATURE-----' : null,
          payload: signed ? `tree ${sha}\nsimulated payload` : null,
          verified_at: signed ? iso(at) : null,
        },
      },
      url: `${REPO_API}/commits/${sha}`,
      html_url: `${REPO_WEB}/commit/${sha}`,
      comments_url: `${REPO_API}/commits/${sha}/comments`,
      author,
      committer: random.chance(0.9) ? users[users.length - 1] : null,
      parents: parent
        ? [{ sha: parent, url: `${REPO_API}/commits/${parent}`, html_url: `${REPO_WEB}/commit/${parent}` }]
        : [],
    })
    parent = sha
  }
  return commits
}
