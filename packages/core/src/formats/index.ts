/**
 * `@lakeflow/core/formats`: streaming decoders for bodies and files that are not one JSON
 * document (NDJSON, CSV, gzip, ZIP), and writers for CSV and ZIP. Every decoder reads an
 * `AsyncIterable<Uint8Array>` chunk by chunk, so memory does not grow with the data.
 */
export { ByteReader } from './byte-reader.ts'
export { type CsvOptions, type CsvWriteOptions, csvRecords, csvRows, toCsv } from './csv.ts'
export { gunzip, isGzip } from './gzip.ts'
export { type NdjsonOptions, ndjsonRecords } from './ndjson.ts'
export { type RecordStreamOptions, recordStream } from './records.ts'
export { isZip, type ZipEntry, zipEntries } from './zip-reader.ts'
export { writeZip, type ZipFile, type ZipStreamFile, type ZipWriteOptions, zipStream } from './zip-writer.ts'
