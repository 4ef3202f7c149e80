/**
 * `@lakeflow/files`: the file-source engine. Files are discovered the way Auto Loader
 * discovers them, tracked by path, size and content hash in a content-addressed manifest
 * the offset points at, read exactly once each, and streamed. Storage is pluggable: local
 * directories and mounted Unity Catalog volumes here; S3 and others implement {@link FileStorage}.
 */
export { type FileOffset, formatFileOffset, parseFileOffset, START } from './file-offset.ts'
export { type FileReadSettings, FileSource, type FileSourceSettings } from './file-source.ts'
export { globToRegExp, isHiddenName } from './glob.ts'
export { localStateStore, localStorage } from './local-storage.ts'
export { COMPACT_DEPTH, type ManifestEntry, ManifestStore, type ProcessedFiles } from './manifest.ts'
export type { FileEntry, FileStorage, ListOptions, StateStore } from './storage.ts'
