import { describe, expect, it } from 'vitest'
import {
  charsetNamed,
  decodeEscapes,
  Hl7Error,
  hl7DateTime,
  parseMessage,
  readDelimiters,
  STANDARD_DELIMITERS,
} from '../src/index.ts'

const MSH = 'MSH|^~\\&|LAB^1.2.3^ISO|NORTH|EHR|NORTH|20240105083000||ORU^R01^ORU_R01|M1|P|2.5.1'

describe('delimiters and field numbering', () => {
  it('numbers MSH fields as HL7 does: MSH-1 is the separator, MSH-2 the encoding characters', () => {
    const header = parseMessage(MSH).header
    expect(header.value(1)).toBe('|')
    expect(header.value(2)).toBe('^~\\&')
    expect(header.value(3, 1, 1)).toBe('LAB')
    expect(header.value(3, 1, 2)).toBe('1.2.3')
    expect(header.value(9, 1, 2)).toBe('R01')
    expect(header.value(10)).toBe('M1')
    expect(header.value(12)).toBe('2.5.1')
  })

  it('numbers other segments from field 1 after the type, with repetitions, components and subcomponents', () => {
    const pid = parseMessage(`${MSH}\rPID|1||123^^^HOSP&1.2.840&ISO^MR~456^^^SSA^SS||Doe^Jane`).segment('PID')!
    expect(pid.value(1)).toBe('1')
    expect(pid.value(3, 1, 1)).toBe('123')
    expect(pid.value(3, 1, 4, 1)).toBe('HOSP')
    expect(pid.value(3, 1, 4, 2)).toBe('1.2.840')
    expect(pid.value(3, 2, 1)).toBe('456')
    expect(pid.value(3, 2, 5)).toBe('SS')
    expect(pid.value(5, 1, 2)).toBe('Jane')
    expect(pid.value(3, 3, 1)).toBeUndefined()
    expect(pid.value(40)).toBeUndefined()
  })

  it('takes every delimiter from MSH, not the usual ones', () => {
    const message = parseMessage('MSH#*!@$#LAB#NORTH#EHR#NORTH#2024##ADT*A01#M7#P#2.5\rPID#1##9*8*7$6!5##A@F@B')
    const pid = message.segment('PID')!
    expect(message.delimiters).toMatchObject({
      field: '#',
      component: '*',
      repetition: '!',
      escape: '@',
      subcomponent: '$',
    })
    expect(message.header.value(1)).toBe('#')
    expect(message.header.value(9, 1, 2)).toBe('A01')
    expect(pid.value(3, 1, 3, 2)).toBe('6')
    expect(pid.value(3, 2)).toBe('5')
    expect(pid.value(5)).toBe('A#B')
  })

  it('rejects unusable delimiters with a typed error saying what it found', () => {
    for (const bad of ['MSH|^^\\&|A', 'MSH|A~\\&|A', 'MSH|^|A', 'MSH']) {
      const error = (() => {
        try {
          readDelimiters(bad, { file: 'f.hl7', messageIndex: 3 })
        } catch (caught) {
          return caught
        }
      })()
      expect(Hl7Error.isInstance(error), bad).toBe(true)
      expect((error as Hl7Error).kind).toBe('invalid_msh')
      expect((error as Hl7Error).message).toContain('file f.hl7, message 3')
    }
  })

  it('reads whole fields as sent when they have structure, decoded when they are one value', () => {
    const obx = parseMessage(`${MSH}\rOBX|1|ST|X||A\\S\\B|C^D|E~F|G&H`).segment('OBX')!
    expect(obx.whole(5)).toBe('A^B')
    expect(obx.whole(6)).toBe('C^D')
    expect(obx.whole(7)).toBe('E~F')
    expect(obx.whole(8)).toBe('G&H')
    expect(obx.value(6, 1)).toBe('C^D')
  })

  it('joins a line that is not a segment to the segment before it (a raw line break in free text)', () => {
    const message = parseMessage(`${MSH}\rNTE|1||first line\nsecond line\rNTE|2||next`)
    expect(message.segments.map((segment) => segment.type)).toEqual(['MSH', 'NTE', 'NTE'])
    expect(message.segmentsOf('NTE')[0]!.value(3)).toBe('first line\nsecond line')
  })

  it('needs an MSH first', () => {
    expect(() => parseMessage('PID|1||123', { file: 'x.hl7', messageIndex: 2 })).toThrow(
      /HL7 v2 missing msh \(file x.hl7, message 2\): expected the message to start with an MSH segment, found "PID\|1\|\|123"/,
    )
  })
})

describe('escape sequences', () => {
  const decode = (text: string) => decodeEscapes(text, { ...STANDARD_DELIMITERS, truncation: '#' })

  it('decodes the delimiter escapes', () => {
    expect(decode('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\P\\g')).toBe('a|b^c&d~e\\f#g')
  })

  it('decodes hexadecimal data in the message character set', () => {
    expect(decode('line\\X0D\\end')).toBe('line\rend')
    expect(decode('\\X0D0A\\')).toBe('\r\n')
    const utf8 = charsetNamed('UNICODE UTF-8').decodeLenient
    expect(decodeEscapes('caf\\XC3A9\\', STANDARD_DELIMITERS, utf8)).toBe('café')
    expect(decodeEscapes('caf\\XE9\\', STANDARD_DELIMITERS, charsetNamed('8859/1').decodeLenient)).toBe('café')
  })

  it('turns formatting commands into text and drops highlighting and character-set switches', () => {
    expect(decode('a\\.br\\b')).toBe('a\nb')
    expect(decode('a\\.sp 2\\b')).toBe('a\n\n\nb')
    expect(decode('a\\.sp\\b')).toBe('a\n\nb')
    expect(decode('a\\.sk 3\\b')).toBe('a   b')
    expect(decode('\\.in 4\\a\\.ti 2\\\\.fi\\\\.nf\\b\\.ce\\c')).toBe('ab\nc')
    expect(decode('\\H\\bold\\N\\ text')).toBe('bold text')
    expect(decode('a\\C2842\\b\\M2442\\c')).toBe('abc')
  })

  it('keeps local and unknown sequences, and a lone escape character, as written', () => {
    expect(decode('\\Zlocal\\ x')).toBe('\\Zlocal\\ x')
    expect(decode('C:\\temp')).toBe('C:\\temp')
    expect(decode('path \\ and \\F\\')).toBe('path \\ and |')
    expect(decode('\\X0\\')).toBe('\\X0\\')
  })

  it('cuts fields at delimiters before decoding, so escaped delimiters stay inside values', () => {
    const pid = parseMessage(`${MSH}\rPID|1||||O\\S\\Brien^Mary\\T\\Ann`).segment('PID')!
    expect(pid.value(5, 1, 1)).toBe('O^Brien')
    expect(pid.value(5, 1, 2)).toBe('Mary&Ann')
    expect(pid.parts(5)[0]).toHaveLength(2)
  })
})

describe('HL7 date/times', () => {
  it('reads every precision and converts offsets to UTC', () => {
    expect(hl7DateTime('2024')).toBe('2024-01-01T00:00:00')
    expect(hl7DateTime('202402')).toBe('2024-02-01T00:00:00')
    expect(hl7DateTime('20240229')).toBe('2024-02-29T00:00:00')
    expect(hl7DateTime('2024022913')).toBe('2024-02-29T13:00:00')
    expect(hl7DateTime('20240229131415')).toBe('2024-02-29T13:14:15')
    expect(hl7DateTime('20240229131415.1234')).toBe('2024-02-29T13:14:15.1234')
    expect(hl7DateTime('202401152330-0500')).toBe('2024-01-16T04:30:00')
    expect(hl7DateTime('20240101003000+0100')).toBe('2023-12-31T23:30:00')
  })

  it('gives nothing for values that are not dates', () => {
    for (const bad of ['', '2024013', '20230229', '20241301', '20240101250000', 'yesterday', '20240101+2500']) {
      expect(hl7DateTime(bad), bad).toBeUndefined()
    }
  })
})

describe('character sets (MSH-18)', () => {
  it('names HL7 character sets and refuses others', () => {
    expect(charsetNamed('8859/1').name).toBe('8859/1')
    expect(charsetNamed(' unicode   utf-8 ').name).toBe('UNICODE UTF-8')
    expect(charsetNamed(undefined).name).toBe('UNICODE UTF-8')
    expect(charsetNamed('', {}, 'ASCII').name).toBe('ASCII')
    expect(() => charsetNamed('ISO IR87', { messageIndex: 4 })).toThrow(
      /unknown charset \(message 4\).*this parser does not decode/,
    )
    expect(() => charsetNamed('KLINGON-8')).toThrow(/not an HL7 character set; expected one of ASCII, 8859\/1/)
  })

  it('decodes bytes strictly, naming the first bad byte and where it is', () => {
    expect(charsetNamed('8859/1').decode(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café')
    expect(charsetNamed('8859/15').decode(Uint8Array.from([0xa4]))).toBe('€')
    expect(() =>
      charsetNamed('UNICODE UTF-8').decode(Buffer.from('abc\xffdef', 'latin1'), { file: 'u.hl7', messageIndex: 1 }),
    ).toThrow(/invalid encoding \(file u.hl7, message 1\): invalid UTF-8 byte 0xFF at byte 3/)
    expect(() => charsetNamed('UNICODE UTF-8').decode(Uint8Array.from([0x61, 0xc3]))).toThrow(/byte 0xC3 at byte 1/)
    expect(() => charsetNamed('ASCII').decode(Uint8Array.from([0x61, 0x80]))).toThrow(
      /byte 0x80 at byte 1 is not ASCII/,
    )
  })
})
