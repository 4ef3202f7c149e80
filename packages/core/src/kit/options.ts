import Type from 'typebox'

/** Settings of the standard option builders. */
export interface StandardOptionSettings {
  /** The default value; without one the option is optional and unset means "no limit" (or "from the beginning"). */
  default?: number
  /** Replaces the standard description. */
  description?: string
}

/**
 * `max_records_per_batch`: new records per call; the cursor engine reads it by this name.
 * @example defineOptions({ max_records_per_batch: maxRecordsPerBatch({ default: 200 }) })
 */
export function maxRecordsPerBatch(settings: StandardOptionSettings = {}) {
  const fallback = settings.default === undefined ? '' : ` @default ${settings.default}`
  return Type.Integer({
    minimum: 1,
    ...(settings.default === undefined ? {} : { default: settings.default }),
    description:
      settings.description ??
      `Records per call before the read returns an offset; records sharing the last cursor value are never split between calls.${fallback}`,
  })
}

/**
 * `lookback_seconds`: re-read records updated this long before the cursor (late updates),
 * only alongside new records so reads converge; the cursor engine reads it by this name.
 * @example defineOptions({ lookback_seconds: lookbackSeconds({ default: 300 }) })
 */
export function lookbackSeconds(settings: StandardOptionSettings = {}) {
  return Type.Integer({
    minimum: 0,
    default: settings.default ?? 0,
    description:
      settings.description ??
      `Each incremental read also re-reads records updated this many seconds before the cursor, alongside new ones. @default ${settings.default ?? 0}`,
  })
}

/**
 * `start_date`: where a new stream starts (`2024-01-01` or an ISO date-time); the cursor
 * engine reads it by this name.
 * @example defineOptions({ start_date: Type.Optional(startDate()) })
 */
export function startDate(settings: Pick<StandardOptionSettings, 'description'> = {}) {
  return Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2}))?$',
    description:
      settings.description ??
      'Where a new stream starts: `2024-01-01` or `2024-01-01T00:00:00Z`. Unset: from the beginning.',
  })
}

/**
 * A page size option bounded by what the API allows.
 * @example defineOptions({ per_page: pageSize({ maximum: 100, default: 100 }) })
 */
export function pageSize(settings: { maximum: number; default: number; description?: string }) {
  return Type.Integer({
    minimum: 1,
    maximum: settings.maximum,
    default: settings.default,
    description:
      settings.description ?? `Records per page requested (at most ${settings.maximum}). @default ${settings.default}`,
  })
}

/**
 * `max_requests_per_second`: this process's pace towards one account of the source, shared
 * by every table, partition and instance (pass it to `createRateBudget` with a key).
 * @example defineOptions({ max_requests_per_second: Type.Optional(maxRequestsPerSecond({ limit: 100, burst: 10 })) })
 */
export function maxRequestsPerSecond(settings: { limit: number; burst: number; default?: number }) {
  const fallback = settings.default ?? settings.limit
  return Type.Number({
    exclusiveMinimum: 0,
    maximum: settings.limit,
    default: fallback,
    description: `Requests per second this process sends to one account, shared by every table, partition and instance (the API allows ${settings.limit}, in bursts of ${settings.burst}). @default ${fallback}`,
  })
}
