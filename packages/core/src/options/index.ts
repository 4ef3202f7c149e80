/**
 * typebox's `Type` builder, for connector options and table schemas. Connectors import it from
 * here rather than from `typebox`: core's build bundles typebox into one chunk, so a process
 * loads one compact copy instead of typebox's ~700 modules (~22 MB less resident memory).
 */
export { default as Type } from 'typebox'
export {
  containsSecret,
  defineOptions,
  isSecretSchema,
  type ParseOptionsSettings,
  parseOptions,
  redactOptions,
  SECRET_KEYWORD,
  secret,
  secretKeys,
} from './options.ts'
