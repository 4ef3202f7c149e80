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
