/**
 * `@lakeflow/spark`: the Spark bridge. The Node side serves a connector to the Python data
 * source `lakeflow_connect` (bin `lakeflow-bridge`, or {@link serveStdio}); `lakeflow pack`
 * ({@link packConnector}) builds a Python wheel holding the data source and the bundled
 * connector; {@link packPipeline} writes a Spark Declarative Pipelines file for a spec.
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
export { FRAMEWORK_OPTION_KEYS, type SplitOptions, splitOptions, tableOptionsOf } from './bridge/options.ts'
export { type BridgeServerSettings, type FrameSink, serveBridge } from './bridge/server.ts'
export { type ServeStdioSettings, serveStdio } from './bridge/stdio.ts'
export { type BundleOptions, bundleConnector } from './pack/bundle.ts'
export { type PackConnectorOptions, type PackResult, packConnector, pythonPackageName } from './pack/pack-connector.ts'
export { type PackPipelineOptions, packPipeline, pipelineSource, pythonLiteral } from './pack/pack-pipeline.ts'
export { buildWheel, pep440Version, type WheelSpec, wheelDistribution } from './pack/wheel.ts'
export { writeZip, type ZipEntry } from './pack/zip.ts'
export { encodeFrame, type Frame, FrameDecoder, frameHeader, jsonFrame } from './protocol/framing.ts'
export * from './protocol/messages.ts'
export { BRIDGE_VERSION } from './version.ts'
