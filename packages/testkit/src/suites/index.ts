import type { Check } from '../types.ts'
import { baseChecks } from './base-checks.ts'
import { completenessChecks } from './completeness-checks.ts'
import { declarationChecks } from './declaration-checks.ts'
import { faultChecks } from './fault-checks.ts'
import { fileChecks } from './file-checks.ts'
import { hygieneChecks } from './hygiene-checks.ts'
import { memoryChecks } from './memory-checks.ts'
import { partitionChecks, partitionedStreamChecks } from './partition-checks.ts'
import { partitionCoverageChecks } from './partition-coverage-checks.ts'
import { rateChecks } from './rate-checks.ts'
import { readChecks } from './read-checks.ts'
import { schemaChecks } from './schema-checks.ts'
import { streamChecks } from './stream-checks.ts'
import { writeBackChecks } from './write-back-checks.ts'

export {
  baseChecks,
  completenessChecks,
  declarationChecks,
  faultChecks,
  fileChecks,
  hygieneChecks,
  memoryChecks,
  partitionChecks,
  partitionCoverageChecks,
  partitionedStreamChecks,
  rateChecks,
  readChecks,
  schemaChecks,
  streamChecks,
  writeBackChecks,
}

/** Every partition check: upstream's two mixins plus disjoint-and-covering. */
export const allPartitionChecks: readonly Check[] = [
  ...partitionChecks,
  ...partitionedStreamChecks,
  ...partitionCoverageChecks,
]

/** The checks that need the simulator's mutation API, clock, faults or coverage. */
export const simulatorChecks: readonly Check[] = [
  ...completenessChecks,
  ...faultChecks,
  ...rateChecks,
  ...hygieneChecks,
  ...memoryChecks,
]

/** Every check, in the order they run (the file-source checks run only for file connectors). */
export const allChecks: readonly Check[] = [
  ...baseChecks,
  ...schemaChecks,
  ...readChecks,
  ...declarationChecks,
  ...allPartitionChecks,
  ...writeBackChecks,
  ...simulatorChecks,
  ...fileChecks,
]

/** Looks a check up by id (the self-test runs single checks against mutants). */
export function checkById(id: string): Check {
  const check = [...allChecks, ...streamChecks].find((candidate) => candidate.id === id)
  if (!check) throw new Error(`no check "${id}"; known: ${allChecks.map((item) => item.id).join(', ')}`)
  return check
}
