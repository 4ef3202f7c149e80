/**
 * `@lakeflow/core/kit`: REST tables declared instead of written. `restTable` turns a typed
 * description (path template, query, body, records, paginator, incremental settings,
 * fan-out, mapping) into an ordinary table handler backed by one cursor engine (windows,
 * ties, caps, the init-time cap, lookback) with typed offsets and declared partitions.
 * The engine's parts are exported for tables that keep a hand-written `read`.
 */
export { type InitClock, localClock, type ServerClockSettings, serverClock } from './clock.ts'
export { type CursorFormat, formatCursor, parseCursor, resolutionOf, type TimeFormat } from './cursor-values.ts'
export type {
  BoundDeclaration,
  CursorRangeDeclaration,
  IncrementalDeclaration,
  ParentDeclaration,
  QueryDeclaration,
  QueryValue,
  RestContext,
  RestRequest,
  RestTableDeclaration,
  TieDeclaration,
  WindowDeclaration,
} from './declaration.ts'
export {
  type DescendingScan,
  readDescending,
  type ScannedRecord,
  type ScanResume,
  scanDescending,
} from './descending.ts'
export {
  type CursorSettings,
  cursorReader,
  firstAfter,
  readAll,
  readAscending,
  readRange,
  startOption,
  startPosition,
} from './engine.ts'
export {
  type BodyBounds,
  type BoundSettings,
  chunksOf,
  type DecodedPage,
  type FetchedPage,
  fillPath,
  jsonRecords,
  Listing,
  type ListingBounds,
  type ListingSettings,
  type RecordDecoder,
  streamedRecords,
} from './listing.ts'
export { type OffsetFieldKind, offsetShape } from './offset-shape.ts'
export {
  lookbackSeconds,
  maxRecordsPerBatch,
  maxRequestsPerSecond,
  pageSize,
  type StandardOptionSettings,
  startDate,
} from './options.ts'
export { cursorRangePartitions } from './partitions.ts'
export {
  isNewAfter,
  listedId,
  MAX_SEEN_CHARS,
  type Position,
  type PositionCodec,
  PositionTracker,
  readPosition,
  recordIdOf,
  writePosition,
} from './position.ts'
export { type ListingDeclaration, type RestTableHandler, restListing, restTable } from './rest-table.ts'
export { readTiles, readWindow } from './windows.ts'
