import { defineOptions, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/**
 * Connection options. `source_type`, `volume_path`, `file_glob` and `recursive` have the
 * Python connector's names and meaning, so its pipeline specs work unchanged.
 * @example connector.create({ source_type: 'volume', volume_path: '/Volumes/main/raw/hl7_inbound', file_glob: '*.hl7' })
 */
export const Hl7V2Options = defineOptions({
  source_type: Type.Literal('volume', {
    description:
      'Where messages come from. `volume`: HL7 v2 files in a local directory or a mounted Unity Catalog volume.',
  }),
  volume_path: Type.String({
    minLength: 1,
    pattern: '^/',
    description: 'Absolute path of the directory holding the files, e.g. /Volumes/<catalog>/<schema>/<volume>/inbound.',
  }),
  file_glob: Type.Optional(
    Type.String({
      minLength: 1,
      default: '*',
      description: 'Shell-style pattern the file names must match (`*.hl7`). @default *',
    }),
  ),
  recursive: Type.Optional(
    Type.Boolean({ default: false, description: 'Read files in subdirectories of volume_path too. @default false' }),
  ),
  state_path: Type.Optional(
    Type.String({
      minLength: 1,
      pattern: '^/',
      description:
        'Writable directory for the manifests of files already read (what the offsets point at). Hidden from listings. @default <volume_path>/_lakeflow_state',
    }),
  ),
  strict: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'A file with any bad message loads nothing (its problems still go to the errors table). Otherwise the good messages load. @default false',
    }),
  ),
  default_charset: Type.Optional(
    Type.String({
      minLength: 1,
      default: 'UNICODE UTF-8',
      description: 'Character set (HL7 table 0211 name) of messages whose MSH-18 is empty. @default UNICODE UTF-8',
    }),
  ),
})

/** Validated connection options. */
export type Hl7V2Options = Static<typeof Hl7V2Options>

/** Table options. */
export const Hl7V2TableOptions = defineOptions({
  segment_type: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9]{2}$',
      description:
        'Read this segment type into the table (any table name): the typed columns for the 23 known segments, positional field_1…field_25 for others (Z-segments).',
    }),
  ),
  max_records_per_batch: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Rows per call; the call ends after the message that reaches it. @default unlimited',
    }),
  ),
  max_files_per_batch: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Files completed per call. @default unlimited' }),
  ),
  start_timestamp: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Skip files last modified before this instant (RFC 3339), on every read. @default none',
    }),
  ),
  window_seconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        "Accepted for the Python connector's specs and ignored: files are tracked by identity, not read in time windows.",
    }),
  ),
})

/** Validated table options. */
export type Hl7V2TableOptions = Static<typeof Hl7V2TableOptions>
