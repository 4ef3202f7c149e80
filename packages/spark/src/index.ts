/**
 * `@lakeflow/spark`: the Spark bridge. The Node side serves a connector to the Python data
 * source `lakeflow_connect` (bin `lakeflow-bridge`, or {@link serveStdio}); `lakeflow pack`
 * ({@link packConnector}) builds a Python wheel holding the data source and the bundled
 * connector, released to a versioned volume directory ({@link releaseToVolume}) or a private
 * package index ({@link publishWheel}); {@link packPipeline} writes a Spark Declarative
 * Pipelines file for a spec, {@link writePipelineBundle} a deployable pipeline bundle.
 */
export { toArrowField, toArrowSchema, toArrowType, VARIANT_FIELD_METADATA } from './arrow/arrow-schema.ts'
export {
  type BatchLimits,
  DEFAULT_BATCH_BYTES,
  DEFAULT_BATCH_ROWS,
  encodeBatch,
  RecordBatchBuilder,
} from './arrow/batch-builder.ts'
export { ArrowValueError, type ColumnBuilder, createColumnBuilder } from './arrow/columns.ts'
export { type EncodedVariant, encodeVariant } from './arrow/variant.ts'
export { ColumnFunctions } from './bridge/column-functions.ts'
export { FRAMEWORK_OPTION_KEYS, type SplitOptions, splitOptions, tableOptionsOf } from './bridge/options.ts'
export { type BridgeServerSettings, type FrameSink, serveBridge } from './bridge/server.ts'
export { type ServeStdioSettings, serveStdio } from './bridge/stdio.ts'
export { type BundleOptions, bundleConnector } from './pack/bundle.ts'
export {
  type PipelineBundle,
  type PipelineBundleOptions,
  volumeWheelPath,
  writePipelineBundle,
} from './pack/bundle-layout.ts'
export { type PackConnectorOptions, type PackResult, packConnector, pythonPackageName } from './pack/pack-connector.ts'
export { type FilePipelineSettings, filePipelineFiles, writeFilePipeline } from './pack/pack-file-pipeline.ts'
export { type PackPipelineOptions, packPipeline, pipelineSource, pythonLiteral } from './pack/pack-pipeline.ts'
export {
  assertPublishable,
  type PublishOptions,
  type PublishResult,
  PYPI_CREDENTIAL_ENV,
  publishWheel,
  pypiCredentials,
} from './pack/publish.ts'
export { VersionExistsError } from './pack/release-errors.ts'
export {
  compareVersions,
  LATEST_POINTER,
  type LatestPointerKind,
  readLatestPointer,
  releaseToVolume,
  type VolumeRelease,
  type VolumeReleaseOptions,
} from './pack/volume.ts'
export { buildWheel, pep440Version, type WheelSpec, wheelDistribution, wheelFileName } from './pack/wheel.ts'
export { writeZip, type ZipEntry } from './pack/zip.ts'
export { encodeFrame, type Frame, FrameDecoder, frameHeader, jsonFrame } from './protocol/framing.ts'
export * from './protocol/messages.ts'
export { BRIDGE_VERSION } from './version.ts'
