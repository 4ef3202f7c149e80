/**
 * `@lakeflow/simulator`: a simulated HTTP source for connector tests. A real server on
 * 127.0.0.1 that serves a corpus through an endpoint spec (upstream's `endpoints.yaml`
 * format, extended), with a mutation API, a controllable clock, fault injection, a
 * request log with coverage, and a recorder that refreshes a corpus from a live source.
 */
export { type GeneratedCorpus, generatedCorpus, isGeneratedCorpus } from './corpus/generated-table.ts'
export { SimulatorError, SimulatorSpecError, type SpecIssue } from './errors.ts'
export { createRecorder, type Recorder, type RecorderOptions, type RecordingSummary } from './record/recorder.ts'
export { type FieldScrubber, REDACTED_EMAIL, type ScrubOptions } from './record/scrub.ts'
export { createSimulator } from './server.ts'
export { type SpawnedSimulator, type SpawnSimulatorOptions, spawnSimulator } from './spawn.ts'
export { type LoadedSpec, loadSpec } from './spec/load-spec.ts'
export type * from './types.ts'
