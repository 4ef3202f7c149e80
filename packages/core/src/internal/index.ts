/**
 * Helpers the Lakeflow packages share (the simulator, testkit, pipeline and Spark bridge).
 * Not part of the connector API: they may change in any release.
 */
export { seededRandom } from './random.ts'
export { describeKind, describeValue, isPlainObject } from './values.ts'
