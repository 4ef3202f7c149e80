// Scoped `changeset version` for one package's release pipeline: node scripts/release-version.ts --filter <name> [--commit].
// Details: packages/release/src/commands/release-version.ts and docs/publishing.md.
import { main } from '../packages/release/src/commands/release-version.ts'

process.exitCode = main(process.argv.slice(2))
