export { type DebugSink, debugFromEnvironment, debugLog, debugOnce, setDebugSink } from './debug-log.ts'
export { closestMatch, didYouMean, editDistance } from './did-you-mean.ts'
export {
  ApiCallError,
  type ApiCallErrorDetails,
  type DataFormat,
  DataFormatError,
  type DocumentProblem,
  InvalidDocumentError,
  InvalidOffsetError,
  InvalidOptionsError,
  InvalidResponseError,
  SchemaConversionError,
  SpecVersionError,
  StreamError,
  type StreamErrorDetails,
  type StreamProblem,
  UnknownTableError,
  UnsupportedOperationError,
} from './errors.ts'
export { type ErrorCategory, hasMarker, LakeflowError, type LakeflowErrorOptions } from './lakeflow-error.ts'
export { RateLimitError, type RateLimitErrorDetails } from './rate-limit-error.ts'
export { clearSecrets, excerpt, REDACTED, redact, redactUrl, registerSecret } from './redact.ts'
