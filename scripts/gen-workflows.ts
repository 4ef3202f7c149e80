// Generates the per-connector release workflows from the connector list: node scripts/gen-workflows.ts [--check].
// Details: packages/release/src/commands/gen-workflows.ts and docs/publishing.md.
import { main } from '../packages/release/src/commands/gen-workflows.ts'

process.exitCode = main(process.argv.slice(2))
