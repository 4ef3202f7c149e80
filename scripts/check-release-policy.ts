// Release policy check (CI): changesets for changed packages, major changesets for breaking table
// schema changes, clean tarballs. Usage: node scripts/check-release-policy.ts --help-like details in
// packages/release/src/commands/check-release-policy.ts.
import { main } from '../packages/release/src/commands/check-release-policy.ts'

process.exitCode = main(process.argv.slice(2))
