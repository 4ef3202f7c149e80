export {
  ApiCallError,
  type ApiCallErrorDetails,
  InvalidOffsetError,
  InvalidOptionsError,
  SchemaConversionError,
  SpecVersionError,
  UnknownTableError,
  UnsupportedOperationError,
} from './errors.ts'
export { type ErrorCategory, hasMarker, LakeflowError, type LakeflowErrorOptions } from './lakeflow-error.ts'
export { RateLimitError, type RateLimitErrorDetails } from './rate-limit-error.ts'
export { clearSecrets, excerpt, REDACTED, redact, redactUrl, registerSecret } from './redact.ts'
