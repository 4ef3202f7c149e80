/** `@lakeflow/connector-hl7-v2`: the Lakeflow connector for HL7 v2 messages in files. */
export { connector, createHl7V2Connector, defaultStatePath } from './hl7-v2-connector.ts'
export { ERROR_MARKER, HL7_V2_FILES, hl7V2Functions, parseUnit, sourceFileOf, splitUnits } from './hl7-v2-functions.ts'
export { Hl7V2Options, Hl7V2TableOptions } from './hl7-v2-options.ts'
export { TABLE_NAMES } from './hl7-v2-tables.ts'
