// `pnpm release [--filter @lakeflow/<package>]`: build and publish every unpublished version.
// Details: packages/release/src/commands/release.ts and docs/publishing.md.
import { main } from '../packages/release/src/commands/release.ts'

process.exitCode = main(process.argv.slice(2))
