/**
 * `@lakeflow/testkit`: the contract suite every Lakeflow connector runs. One call in a
 * connector's `test/contract.test.ts` registers every check against the connector's
 * simulated source (or the live source with `LAKEFLOW_TEST_MODE=live`).
 * Suites are plain values: pick checks with `checks: [...baseChecks, ...readChecks]`.
 */
export { CheckFailure, CheckSkip, defineCheck, type Finding, Findings } from './check.ts'
export { describeConnector } from './describe-connector.ts'
export { FileFixture, type FilePlacement, type FileSourceConfig } from './files/file-fixture.ts'
export {
  CONFIG_JSON_VARIABLE,
  CONFIG_PATH_VARIABLE,
  loadLiveConfig,
  MODE_VARIABLE,
  resolveMode,
  SEED_VARIABLE,
} from './mode.ts'
export { type CallResult, type Convergence, readCall, readUntilConverged, recordsOf } from './reads.ts'
export { createSuite, type Suite } from './suite.ts'
export {
  allChecks,
  allPartitionChecks,
  baseChecks,
  checkById,
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
  simulatorChecks,
  streamChecks,
  writeBackChecks,
} from './suites/index.ts'
export type {
  Check,
  CheckContext,
  CheckResult,
  ConnectorTestConfig,
  MemoryTestConfig,
  MutableSource,
  RequestRateConfig,
  SourceAddress,
  SourceFixture,
  TableTestConfig,
  TestMode,
} from './types.ts'
