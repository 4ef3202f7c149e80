export {
  ApiCallError,
  type ApiCallErrorDetails,
  type DocumentProblem,
  InvalidDocumentError,
  InvalidOffsetError,
  InvalidOptionsError,
  SchemaConversionError,
  SpecVersionError,
  UnknownTableError,
  UnsupportedOperationError,
} from './errors.ts'
export { type ErrorCategory, hasMarker, LakeflowError, type LakeflowErrorOptions } from './lakeflow-error.ts'
export { clearSecrets, excerpt, REDACTED, redact, redactUrl, registerSecret } from './redact.ts'
