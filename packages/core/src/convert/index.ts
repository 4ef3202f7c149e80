/**
 * `@lakeflow/core/convert`: record conversion (the Python `parse_value`), compiled once
 * per schema into generated JavaScript. See the package README ("Record conversion") for
 * the rules and the documented deviations from the Python original.
 */
export { type Converter, type ConverterOptions, compileConverter, converterSource, convertRecord } from './compile.ts'
export {
  type DecodeErrorPolicy,
  deadLetterFields,
  decodeUtf8,
  decodeWithPolicy,
  MESSAGE_DECODING_OPTIONS,
  MessageDecodeFailure,
  type MessageDecoding,
  type MessagePosition,
  type MessageValueFormat,
  messageValueDecoder,
  messageValueType,
} from './message-values.ts'
