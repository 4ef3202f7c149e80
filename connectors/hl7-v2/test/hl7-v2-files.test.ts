import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collectRead, type LakeflowConnector, type RawRecord } from '@lakeflow/core/connector'
import { InvalidOptionsError, UnknownTableError } from '@lakeflow/core/errors'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connector, parseUnit, splitUnits, TABLE_NAMES } from '../src/index.ts'

const message = (id: string, extra = '') =>
  `MSH|^~\\&|LAB|NORTH|EHR|NORTH|20240105||ORU^R01|${id}|P|2.5.1${extra}\rPID|1||${id}-MRN||Doe^Jane\rOBX|1|NM|718-7^Hemoglobin^LN||13.2\r`
const latin1 = (text: string) => Buffer.from(text, 'latin1')

let directory: string
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'hl7-files-'))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

const FIXED_TIME = Date.parse('2024-03-04T05:06:07.890Z')

function write(name: string, content: string | Uint8Array): string {
  const path = join(directory, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, content)
  utimesSync(path, new Date(FIXED_TIME), new Date(FIXED_TIME))
  return path
}

const open = (options: Record<string, unknown> = {}) =>
  connector.create({ source_type: 'volume', volume_path: directory, recursive: true, ...options })

async function rows(
  instance: LakeflowConnector,
  table: string,
  tableOptions: Record<string, string> = {},
): Promise<RawRecord[]> {
  return (await collectRead(instance.readTable(table, {}, tableOptions))).records
}

/** One file per kind of bad input, each with a good message before and after the bad part. */
function writeBadInput() {
  return {
    notHl7: write('not-hl7.hl7', `${message('N1')}\r`.replace(/^/, 'Report printed 2024-01-05\nPage 1 of 2\n')),
    noMsh: write('no-msh.hl7', `${message('M1')}PV1|1|I\r\x0bPID|1||7\rOBX|1|ST\x1c\r${message('M2')}`),
    truncated: write('truncated.hl7', `BHS|^~\\&|LAB\r${message('T1')}${message('T2')}BTS|3\r`),
    charset: write('charset.hl7', `${message('C1')}${message('C2', '||||||KLINGON-8')}${message('C3')}`),
    utf8: write(
      'utf8.hl7',
      Buffer.concat([latin1(message('U1')), latin1(`${message('U2')}NTE|1||M\xfcller\r`), latin1(message('U3'))]),
    ),
  }
}

describe('bad input', () => {
  it('gives each problem a typed error row naming the file and the message index, and loads the other messages', async () => {
    const files = writeBadInput()
    const instance = open()
    const errors = await rows(instance, 'errors')
    expect(errors.map((row) => [row.source_file, row.message_index, row.error_kind])).toEqual([
      [files.charset, 2, 'unknown_charset'],
      [files.noMsh, 2, 'missing_msh'],
      [files.notHl7, 1, 'not_hl7'],
      [files.truncated, 3, 'truncated_batch'],
      [files.utf8, 2, 'invalid_encoding'],
    ])
    for (const row of errors)
      expect(row.error_message).toContain(`(file ${row.source_file}, message ${row.message_index})`)
    expect((await rows(instance, 'msh')).map((row) => row.message_id)).toEqual([
      'C1',
      'C3',
      'M1',
      'M2',
      'N1',
      'T1',
      'T2',
      'U1',
      'U3',
    ])
  })

  it('under strict, loads nothing from a file with any bad message (its problems are still recorded)', async () => {
    writeBadInput()
    write('clean.hl7', `${message('OK1')}${message('OK2')}`)
    const strict = open({ strict: true })
    expect((await rows(strict, 'msh')).map((row) => row.message_id)).toEqual(['OK1', 'OK2'])
    expect((await rows(strict, 'obx')).map((row) => row.message_id)).toEqual(['OK1', 'OK2'])
    expect(await rows(strict, 'errors')).toEqual(await rows(open(), 'errors'))
  })
})

describe('what the Python connector gets wrong', () => {
  it('keeps two MLLP-framed messages apart', async () => {
    write('mllp.hl7', `\x0b${message('F1')}\x1c\r\x0b${message('F2')}\x1c\r`)
    expect((await rows(open(), 'msh')).map((row) => row.message_id)).toEqual(['F1', 'F2'])
  })

  it('keeps the first message after a UTF-8 byte order mark', async () => {
    write('bom.hl7', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1(`${message('B1')}${message('B2')}`)]))
    expect((await rows(open(), 'msh')).map((row) => row.message_id)).toEqual(['B1', 'B2'])
  })

  it('keys OBX and NTE rows uniquely when their set ids restart', async () => {
    write('oru.hl7', `${message('R1')}OBX|1|NM|A||1\rNTE|1||x\rOBR|2\rOBX|1|NM|B||2\rNTE|1||y\r`)
    const obx = await rows(open(), 'obx')
    expect(obx.map((row) => [row.set_id, row.segment_index])).toEqual([
      [1, 3],
      [1, 4],
      [1, 7],
    ])
  })
})

describe('files and state', () => {
  it('names the file and its modification time (whole seconds, UTC) in every row', async () => {
    const path = write('a.hl7', message('A1'))
    expect(await rows(open(), 'pid')).toEqual([
      expect.objectContaining({
        source_file: path,
        create_time: '2024-03-04T05:06:07Z',
        send_time: '2024-03-04T05:06:07Z',
      }),
    ])
  })

  it('keeps its manifests in a hidden directory of the volume by default, or in state_path', async () => {
    write('a.hl7', message('A1'))
    const first = await collectRead(open().readTable('msh', {}, {}))
    expect(existsSync(join(directory, '_lakeflow_state', 'manifests', `${first.offset!.manifest}.json`))).toBe(true)
    // The state directory is never read as input.
    expect((await collectRead(open().readTable('msh', first.offset ?? null, {}))).records).toEqual([])
    const elsewhere = mkdtempSync(join(tmpdir(), 'hl7-state-'))
    try {
      const other = await collectRead(open({ state_path: elsewhere }).readTable('msh', {}, {}))
      expect(existsSync(join(elsewhere, 'manifests', `${other.offset!.manifest}.json`))).toBe(true)
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('skips files modified before start_timestamp and reads only names matching file_glob', async () => {
    write('old.hl7', message('OLD'))
    const recent = write('new.hl7', message('NEW'))
    write('notes.txt', message('TXT'))
    utimesSync(recent, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'))
    expect(
      (await rows(open(), 'msh', { start_timestamp: '2024-06-01T00:00:00Z' })).map((row) => row.message_id),
    ).toEqual(['NEW'])
    expect((await rows(open({ file_glob: '*.hl7' }), 'msh')).map((row) => row.message_id)).toEqual(
      ['OLD', 'NEW'].sort(),
    )
  })
})

describe('tables', () => {
  it('lists the 23 segment tables, other_segments, messages and errors', async () => {
    expect(await open().listTables()).toEqual(TABLE_NAMES)
    expect(TABLE_NAMES).toHaveLength(26)
  })

  it('reads a Z-segment into a table of any name with segment_type, and refuses unknown tables', async () => {
    write('z.hl7', `${message('Z1')}ZPD|1|custom^value|3\r`)
    const instance = open()
    expect(await rows(instance, 'patient_extras', { segment_type: 'ZPD' })).toEqual([
      expect.objectContaining({
        message_id: 'Z1',
        segment_type: 'ZPD',
        segment_index: 4,
        field_2: 'custom^value',
        field_3: '3',
      }),
    ])
    expect((await instance.readTableMetadata('patient_extras', { segment_type: 'ZPD' })).primary_keys).toEqual([
      'message_id',
      'segment_index',
    ])
    await expect(instance.getTableSchema('patient_extras', {})).rejects.toSatisfy(UnknownTableError.isInstance)
    await expect(instance.getTableSchema('messages', { segment_type: 'ZPD' })).rejects.toSatisfy(
      InvalidOptionsError.isInstance,
    )
  })

  it('accepts the Python connector table options it does not need (window_seconds)', async () => {
    write('a.hl7', message('A1'))
    expect(await rows(open(), 'msh', { window_seconds: '86400' })).toHaveLength(1)
  })
})

describe('the Spark functions', () => {
  it('give the rows a read gives, for every table', async () => {
    const files = writeBadInput()
    const instance = open()
    for (const path of Object.values(files)) {
      const content = await import('node:fs').then((fs) => fs.readFileSync(path))
      const units = splitUnits(content, `file:${path}`, '{}')!
      const fromFunctions = new Map<string, unknown[]>()
      units.forEach((unit, position) => {
        const tables = parseUnit(unit, `file://${path}`, FIXED_TIME, position + 1, '{}', '')!
        for (const [table, json] of Object.entries(tables)) {
          fromFunctions.set(table, [...(fromFunctions.get(table) ?? []), ...JSON.parse(json)])
        }
      })
      for (const table of TABLE_NAMES) {
        const read = (await rows(instance, table)).filter((row) => row.source_file === path)
        expect(fromFunctions.get(table) ?? [], `${table} of ${path}`).toEqual(read)
      }
    }
  })
})
