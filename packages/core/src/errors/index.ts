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
  UnknownTableError,
  UnsupportedOperationError,
} from './errors.ts'
export { type ErrorCategory, hasMarker, LakeflowError, type LakeflowErrorOptions } from './lakeflow-error.ts'
export { clearSecrets, excerpt, REDACTED, redact, redactUrl, registerSecret } from './redact.ts'
