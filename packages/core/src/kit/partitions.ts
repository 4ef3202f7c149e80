import type { TablePartitions } from '../connector/table-partitions.ts'
import type { Offset, Partition, RawRecord } from '../connector/types.ts'
import { InvalidOffsetError } from '../errors/errors.ts'
import { formatCursor, parseCursor } from './cursor-values.ts'
import type { CursorRangeDeclaration, RestContext } from './declaration.ts'
import { type CursorSettings, firstAfter, readRange } from './engine.ts'
import type { Listing } from './listing.ts'
import { readPosition } from './position.ts'

/** A fresh listing and engine settings for one call (each call has its own request log). */
type Resolve<Options> = (context: RestContext, options: Options) => { listing: Listing; settings: CursorSettings }

async function newest(
  listing: Listing,
  settings: CursorSettings,
  since: number | undefined,
  newestFirst: Record<string, string>,
) {
  const cap = await settings.clock.cap()
  const start = since === undefined ? undefined : { value: since, seen: 'all' as const }
  const record = await firstAfter(listing, start, cap, newestFirst)
  return record === undefined ? undefined : settings.cursorOf(record)
}

function bound(partition: Partition, key: 'since' | 'until', settings: CursorSettings): number | null | undefined {
  const value = partition[key]
  if (value === null && key === 'since') return null
  return parseCursor(value, settings.codec.format)
}

/**
 * Partitions of an incremental table by cursor range: contiguous half-open ranges
 * `(since, until]` from the first record after the start offset to the end offset, so they
 * are disjoint and cover the interval by construction; a batch read covers everything up to
 * the newest record. Equal offsets give none. Streams: `latestOffset` is the newest cursor.
 */
export function cursorRangePartitions<Options>(
  table: string,
  declaration: CursorRangeDeclaration<Options>,
  resolve: Resolve<Options>,
): TablePartitions<RestContext, any> {
  const positionOf = (settings: CursorSettings, offset: Offset | null | undefined) =>
    readPosition(settings.codec, offset ?? null, table)?.value
  return {
    async latestOffset(context, options: Options, start) {
      const { listing, settings } = resolve(context, options)
      const value = await newest(listing, settings, positionOf(settings, start), declaration.newestFirst)
      return value === undefined
        ? (start ?? {})
        : { [settings.codec.cursorKey]: formatCursor(value, settings.codec.format) }
    },
    async list(context, options: Options, start, end) {
      const { listing, settings } = resolve(context, options)
      const batch = start == null && end == null
      const lower = batch ? undefined : positionOf(settings, start)
      const upper = batch
        ? await newest(listing, settings, undefined, declaration.newestFirst)
        : positionOf(settings, end)
      if (upper === undefined || (lower !== undefined && lower >= upper)) return []
      const first = await firstAfter(listing, lower === undefined ? undefined : { value: lower, seen: 'all' }, upper)
      if (first === undefined) return []
      const from = settings.cursorOf(first)
      const count = Math.max(1, Math.min(declaration.count(options), upper - from))
      const bounds: (number | undefined)[] = [lower]
      for (let index = 1; index < count; index++) bounds.push(from + Math.floor(((upper - from) * index) / count))
      bounds.push(upper)
      const format = (value: number) => formatCursor(value, settings.codec.format)
      const partitions: Partition[] = []
      for (let index = 0; index < bounds.length - 1; index++) {
        const since = bounds[index]
        const until = bounds[index + 1]!
        if (since !== undefined && since >= until) continue
        partitions.push({ since: since === undefined ? null : format(since), until: format(until) })
      }
      return partitions
    },
    async *read(context, partition, options: Options): AsyncGenerator<RawRecord> {
      const { listing, settings } = resolve(context, options)
      const since = bound(partition, 'since', settings)
      const until = bound(partition, 'until', settings)
      if (since === undefined || typeof until !== 'number' || Object.keys(partition).length !== 2) {
        throw new InvalidOffsetError(
          table,
          `expected a partition {since: ${settings.codec.format} | null, until: ${settings.codec.format}}`,
          partition,
        )
      }
      yield* readRange(listing, settings, since ?? undefined, until)
    },
  }
}
