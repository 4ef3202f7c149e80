/**
 * `@lakeflow/core/http`: the one HTTP client of the framework (on ky), with retry,
 * timeouts, auth helpers, pagination helpers, rate-limit hooks and redacted errors.
 * Connectors never import ky; everything goes through {@link createHttpClient}.
 */

export { currentHttpScope, type HttpScopeSettings, withHttpScope } from './ambient.ts'
export { fhirOperationOutcomeApiError, type GraphqlApiErrorOptions, graphqlApiError } from './api-errors.ts'
export { type ApiKeyPlacement, apiKeyAuth, type BearerAuthOptions, basicAuth, bearerAuth } from './auth.ts'
export { createHttpClient } from './client.ts'
export { type JwtAlgorithm, type SignJwtOptions, signJwt } from './jwt.ts'
export {
  type GoogleServiceAccountKey,
  type GoogleServiceAccountOptions,
  googleServiceAccount,
  type PrivateKeyJwtOptions,
  privateKeyJwt,
} from './jwt-auth.ts'
export {
  type OAuth2ClientCredentialsOptions,
  type OAuth2RefreshTokenOptions,
  oauth2ClientCredentials,
  oauth2RefreshToken,
} from './oauth2.ts'
export {
  type BodySelector,
  type CursorPaginationOptions,
  type LinkHeaderPaginationOptions,
  loopGuard,
  type NextUrlPaginationOptions,
  nextLinkFromHeader,
  type OffsetPaginationOptions,
  type Page,
  type PageNumberPaginationOptions,
  type PaginationOptions,
  paginateCursor,
  paginateLinkHeader,
  paginateNextUrl,
  paginateOffset,
  paginatePageNumber,
  paginateWith,
  recordsAt,
} from './pagination.ts'
export {
  type CursorSettings,
  createPaginator,
  type LinkHeaderSettings,
  type ListingRequest,
  type NextUrlSettings,
  type OffsetSettings,
  type PageInfo,
  type PageNumberSettings,
  type Paginator,
  type PaginatorConfig,
  type PaginatorDescription,
  type PaginatorName,
  type PaginatorSpec,
  paginationError,
  searchParamRecord,
} from './paginators.ts'
export { createRateBudget, type RateBudget, type RateBudgetOptions } from './rate-budget.ts'
export {
  type BodyRateLimit,
  type HeaderRateLimitOptions,
  headerRateLimit,
  type QuotaHeaderOptions,
  type RetryAfterLimitOptions,
} from './rate-limit.ts'
export {
  backoffDelay,
  DEFAULT_RETRY,
  estimateServerTime,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
} from './retry.ts'
export { describeSelector, type Selector, select, selectPath } from './select.ts'
export type {
  ApiErrorHook,
  ApiErrorVerdict,
  AuthContext,
  AuthTarget,
  GetJsonOptions,
  HeaderValues,
  HttpAuth,
  HttpClient,
  HttpClientOptions,
  HttpEvent,
  HttpResponse,
  RateLimitOptions,
  RequestOptions,
  ResponseMeta,
  RetryOptions,
  RetryReason,
  SearchParams,
  SearchParamValue,
  StreamRecordsOptions,
  UserAgentOptions,
} from './types.ts'
export { userAgentFor } from './url.ts'
