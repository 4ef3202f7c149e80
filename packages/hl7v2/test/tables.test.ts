import type { RawRecord } from '@lakeflow/core/connector'
import { describe, expect, it } from 'vitest'
import { parseMessage } from '../src/index.ts'
import {
  errorsTable,
  type Hl7Table,
  MESSAGE_TABLES,
  messages,
  otherSegments,
  SEGMENT_TABLES,
  tableForSegmentType,
} from '../src/tables/index.ts'

const ORU = [
  'MSH|^~\\&|LABSYS^2.16.840.1^ISO|NORTHGATE|EHR|NORTHGATE|202401050830-0500||ORU^R01^ORU_R01|LAB0001|P|2.5.1|||AL|NE|GBR|UNICODE UTF-8~8859/1',
  'PID|1||100234^^^NORTHGATE^MR~998877^^^SSA^SS||Okafor^Ada^M^^Dr||19790412|F||2106-3^White^CDCREC|12 Harbour Rd^Flat 2^Leeds^^LS1 4AB^GBR^H||^PRN^PH^^44^113^5550123',
  'ORC|RE|ORD1^EHR|FIL1^LABSYS',
  'OBR|1|ORD1^EHR|FIL1^LABSYS|58410-2^CBC panel^LN|||20240105070000',
  'OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^grams per decilitre^UCUM|12.0-16.0|N|||F|||20240105075500',
  'NTE|1|L|Specimen slightly haemolysed.\\.br\\Repeat advised.',
  'OBX|2|NM|6690-2^Leukocytes^LN||11.8|10*3/uL|4.0-11.0|H~A|||F',
  'ORC|RE|ORD2^EHR|FIL2^LABSYS',
  'OBR|2|ORD2^EHR|FIL2^LABSYS|24323-8^Metabolic panel^LN',
  'OBX|1|NM|2951-2^Sodium^LN||139|mmol/L|135-145|N|||F',
  'NTE|1|L|Called to ward.',
  'ZLB|1|internal^code|extra',
].join('\r')

const context = { sourceFile: '/data/in/lab.hl7', createTime: '2024-01-05T14:00:00Z', messageIndex: 3 }
const table = (name: string) => MESSAGE_TABLES.find((candidate) => candidate.name === name)!
const rows = (of: Hl7Table | string, text = ORU): RawRecord[] =>
  (typeof of === 'string' ? table(of) : of).rows(parseMessage(text), context)

describe('segment tables', () => {
  it('are the 23 tables of the Python connector, in its order, then other_segments and messages', () => {
    expect(SEGMENT_TABLES.map((candidate) => candidate.name)).toEqual([
      'msh',
      'evn',
      'pid',
      'pd1',
      'pv1',
      'pv2',
      'nk1',
      'mrg',
      'al1',
      'iam',
      'dg1',
      'pr1',
      'orc',
      'obr',
      'obx',
      'nte',
      'spm',
      'in1',
      'gt1',
      'ft1',
      'rxa',
      'sch',
      'txa',
    ])
    expect(MESSAGE_TABLES.slice(23).map((candidate) => candidate.name)).toEqual(['other_segments', 'messages'])
    for (const segment of SEGMENT_TABLES) {
      expect(segment.metadata).toEqual({
        primary_keys: ['message_id', 'segment_index'],
        cursor_field: 'create_time',
        ingestion_type: 'append',
      })
      expect(Object.keys(segment.schema.fields).slice(0, 8)).toEqual([
        'message_id',
        'segment_index',
        'message_timestamp',
        'hl7_version',
        'source_file',
        'send_time',
        'create_time',
        'raw_segment',
      ])
    }
  })

  it('keys rows by message and segment position, unique even where set ids restart (OBX, NTE)', () => {
    const obx = rows('obx')
    expect(obx.map((row) => [row.set_id, row.segment_index])).toEqual([
      [1, 5],
      [2, 7],
      [1, 10],
    ])
    // The Python connector's key, (message_id, set_id), collides here; ours does not.
    const byOldKey = new Set(obx.map((row) => `${row.message_id}/${row.set_id}`))
    const byKey = new Set(obx.map((row) => `${row.message_id}/${row.segment_index}`))
    expect([byOldKey.size, byKey.size]).toEqual([2, 3])
    expect(rows('nte').map((row) => [row.set_id, row.segment_index])).toEqual([
      [1, 6],
      [1, 11],
    ])
  })

  it('fills the metadata columns from MSH and the message context', () => {
    const [pid] = rows('pid')
    expect(pid).toMatchObject({
      message_id: 'LAB0001',
      segment_index: 2,
      message_timestamp: '202401050830-0500',
      hl7_version: '2.5.1',
      source_file: '/data/in/lab.hl7',
      send_time: '2024-01-05T14:00:00Z',
      create_time: '2024-01-05T14:00:00Z',
    })
    expect(pid!.raw_segment).toBe(ORU.split('\r')[1])
  })

  it('reads MSH columns by HL7 field numbers', () => {
    const [msh] = rows('msh')
    expect(msh).toMatchObject({
      field_separator: '|',
      encoding_characters: '^~\\&',
      sending_application: 'LABSYS',
      sending_application_universal_id: '2.16.840.1',
      sending_application_universal_id_type: 'ISO',
      message_datetime: '2024-01-05T13:30:00',
      message_code: 'ORU',
      trigger_event: 'R01',
      message_structure: 'ORU_R01',
      message_control_id: 'LAB0001',
      processing_id: { id: 'P', mode: null },
      accept_acknowledgment_type: 'AL',
      country_code: 'GBR',
      character_set: ['UNICODE UTF-8', '8859/1'],
      security: null,
    })
  })

  it('reads composites as structs and repeating composites as arrays of structs', () => {
    const [pid] = rows('pid')
    expect(pid!.set_id).toBe(1)
    expect(pid!.date_of_birth).toBe('1979-04-12T00:00:00')
    expect(pid!.administrative_sex).toMatchObject({ code: 'F', text: null })
    expect((pid!.patient_id as RawRecord[]).map((id) => [id.id, id.assigning_authority, id.type_code])).toEqual([
      ['100234', 'NORTHGATE', 'MR'],
      ['998877', 'SSA', 'SS'],
    ])
    expect(pid!.patient_names).toEqual([
      expect.objectContaining({
        family_name: 'Okafor',
        given_name: 'Ada',
        middle_name: 'M',
        prefix: 'Dr',
        suffix: null,
      }),
    ])
    expect(pid!.race).toEqual([expect.objectContaining({ code: '2106-3', text: 'White', coding_system: 'CDCREC' })])
    expect(pid!.address).toEqual([
      expect.objectContaining({
        street: '12 Harbour Rd',
        other_designation: 'Flat 2',
        city: 'Leeds',
        zip: 'LS1 4AB',
        country: 'GBR',
        type: 'H',
      }),
    ])
    expect(pid!.home_phone).toEqual([
      expect.objectContaining({
        use_code: 'PRN',
        equipment_type: 'PH',
        country_code: '44',
        area_code: '113',
        local_number: '5550123',
      }),
    ])
    expect(pid!.mothers_maiden_names).toBeNull()
    expect(pid!.patient_account_number).toBeNull()
  })

  it('reads observation values, codes and ranges; repeats become arrays', () => {
    const [hemoglobin, leukocytes] = rows('obx')
    expect(hemoglobin).toMatchObject({
      value_type: 'NM',
      observation_id: expect.objectContaining({ code: '718-7', text: 'Hemoglobin', coding_system: 'LN' }),
      observation_value: ['13.2'],
      units: expect.objectContaining({ code: 'g/dL', text: 'grams per decilitre', coding_system: 'UCUM' }),
      references_range: '12.0-16.0',
      interpretation_codes: [expect.objectContaining({ code: 'N' })],
      observation_result_status: 'F',
      datetime_of_observation: '2024-01-05T07:55:00',
    })
    expect((leukocytes!.interpretation_codes as RawRecord[]).map((code) => code.code)).toEqual(['H', 'A'])
  })

  it('decodes escapes in values (a line break in a note)', () => {
    expect(rows('nte')[0]!.comment).toEqual(['Specimen slightly haemolysed.\nRepeat advised.'])
  })

  it('numbers ORC set ids by position, as ORC has no set-id field', () => {
    expect(rows('orc').map((row) => [row.set_id, row.order_control])).toEqual([
      [1, 'RE'],
      [2, 'RE'],
    ])
  })

  it('puts segments without a typed table in other_segments, positionally', () => {
    const other = rows(otherSegments)
    expect(other).toHaveLength(1)
    expect(other[0]).toMatchObject({
      segment_type: 'ZLB',
      segment_index: 12,
      field_1: '1',
      field_2: 'internal^code',
      field_3: 'extra',
      field_4: null,
    })
  })

  it('reads any segment type into a table of any name (the segment_type option)', () => {
    const zlb = tableForSegmentType('lab_extras', 'zlb')
    expect(zlb.name).toBe('lab_extras')
    expect(rows(zlb)).toEqual([expect.objectContaining({ segment_type: 'ZLB', field_2: 'internal^code' })])
    const results = tableForSegmentType('results', 'OBX')
    expect(results.schema).toBe(table('obx').schema)
    expect(rows(results)).toHaveLength(3)
  })

  it('gives one messages row per message with its routing fields and segment list', () => {
    expect(rows(messages)).toEqual([
      expect.objectContaining({
        message_id: 'LAB0001',
        message_index: 3,
        message_code: 'ORU',
        trigger_event: 'R01',
        sending_application: 'LABSYS',
        receiving_facility: 'NORTHGATE',
        character_set: 'UNICODE UTF-8',
        segment_count: 12,
        segment_types: ['MSH', 'PID', 'ORC', 'OBR', 'OBX', 'NTE', 'OBX', 'ORC', 'OBR', 'OBX', 'NTE', 'ZLB'],
      }),
    ])
  })

  it('gives a table no rows for a message without its segment', () => {
    expect(rows('pv1')).toEqual([])
    expect(rows('in1')).toEqual([])
  })
})

describe('the errors table', () => {
  it('records an error with its file, position and kind', () => {
    const row = errorsTable.row({ kind: 'truncated_batch', message: 'HL7 v2 truncated batch …', messageIndex: 7 }, 2, {
      sourceFile: '/in/b.hl7',
      createTime: '2024-01-01T00:00:00Z',
    })
    expect(row).toEqual({
      source_file: '/in/b.hl7',
      error_index: 2,
      message_index: 7,
      error_kind: 'truncated_batch',
      error_message: 'HL7 v2 truncated batch …',
      excerpt: null,
      create_time: '2024-01-01T00:00:00Z',
    })
  })
})
