import { describe, expect, it } from 'vitest'
import { FileSplitter, type SplitUnit, splitFile } from '../src/index.ts'

const message = (id: string, extra = '') =>
  `MSH|^~\\&|LAB|NORTH|EHR|NORTH|20240105||ADT^A01|${id}|P|2.5${extra}\rEVN|A01|20240105\rPID|1||${id}-MRN||Doe^Jane`

const bytes = (text: string) => Buffer.from(text, 'latin1')
const summary = (units: readonly SplitUnit[]) =>
  units.map((unit) =>
    unit.type === 'message' ? `${unit.index}:${unit.text.split('|')[9]}` : `${unit.index}:${unit.error.kind}`,
  )

/** Splits in chunks of `size` bytes. */
function splitChunked(content: Uint8Array, size: number): SplitUnit[] {
  const splitter = new FileSplitter({ file: 'f.hl7' })
  const out: SplitUnit[] = []
  for (let at = 0; at < content.length; at += size) out.push(...splitter.push(content.subarray(at, at + size)))
  return [...out, ...splitter.end()]
}

describe('the splitter', () => {
  it('cuts messages at each MSH, with CR, LF or CRLF line ends', () => {
    const cr = `${message('A')}\r${message('B')}\r`
    for (const text of [cr, cr.replaceAll('\r', '\n'), cr.replaceAll('\r', '\r\n')]) {
      const units = splitFile(bytes(text))
      expect(summary(units)).toEqual(['1:A', '2:B'])
      // Segments always come out joined by CR, whatever the file used.
      expect(units[0]!.type === 'message' && units[0]!.text).toBe(message('A'))
    }
  })

  it('gives the same units whatever the chunk boundaries (CRLF, BOM and frames split across chunks)', () => {
    const text = `\xef\xbb\xbf${message('A')}\r\n${message('B')}\r\n\x0b${message('C')}\x1c\r\x0b${message('D')}\x1c\r`
    const whole = summary(splitFile(bytes(text)))
    expect(whole).toEqual(['1:A', '2:B', '3:C', '4:D'])
    for (const size of [1, 2, 3, 5, 7, 64])
      expect(summary(splitChunked(bytes(text), size)), `chunks of ${size}`).toEqual(whole)
  })

  it('keeps two MLLP-framed messages apart (VT … FS CR), even without a line end between them', () => {
    const units = splitFile(bytes(`\x0b${message('A')}\x1c\r\x0b${message('B')}\x1c\x0b${message('C')}\x1c\r`))
    expect(summary(units)).toEqual(['1:A', '2:B', '3:C'])
    for (const unit of units)
      expect(unit.type === 'message' && (unit.text.includes('\x0b') || unit.text.includes('\x1c'))).toBe(false)
  })

  it('reads the message after a UTF-8 byte order mark, at the start or where files were concatenated', () => {
    const units = splitFile(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        bytes(`${message('A')}\r`),
        Buffer.from([0xef, 0xbb, 0xbf]),
        bytes(message('B')),
      ]),
    )
    expect(summary(units)).toEqual(['1:A', '2:B'])
  })

  it('decodes each message in the character set its MSH-18 names', () => {
    const latin = `${message('L', '||||||8859/1')}\rNTE|1||caf\xe9`
    const utf8 = Buffer.concat([
      bytes(`${message('U', '||||||UNICODE UTF-8')}\rNTE|1||caf`),
      Buffer.from('é'),
      bytes('\r'),
    ])
    const units = splitFile(Buffer.concat([bytes(`${latin}\r`), utf8]))
    expect(units.map((unit) => unit.type === 'message' && [unit.charset, unit.text.endsWith('café')])).toEqual([
      ['8859/1', true],
      ['UNICODE UTF-8', true],
    ])
  })

  it('checks batch counts: a complete batch file has no problem', () => {
    const text = [
      'FHS|^~\\&|LAB',
      'BHS|^~\\&|LAB',
      message('A'),
      message('B'),
      'BTS|2',
      'BHS|^~\\&|LAB',
      message('C'),
      'BTS|1',
      'FTS|2',
    ].join('\r')
    expect(summary(splitFile(bytes(text)))).toEqual(['1:A', '2:B', '3:C'])
  })

  it('reports a batch cut short: fewer messages than BTS-1 counts, a missing BTS or FTS', () => {
    const short = ['BHS|^~\\&|LAB', message('A'), 'BTS|3'].join('\r')
    const shortUnits = splitFile(bytes(short), { file: 'short.hl7' })
    expect(summary(shortUnits)).toEqual(['1:A', '2:truncated_batch'])
    const error = shortUnits[1]!.type === 'error' ? shortUnits[1]!.error : undefined
    expect(error?.message).toBe(
      'HL7 v2 truncated batch (file short.hl7, message 2): BTS-1 (batch message count) says 3 messages, only 1 arrived',
    )
    expect(summary(splitFile(bytes(['FHS|^~\\&', 'BHS|^~\\&', message('A')].join('\r'))))).toEqual([
      '1:A',
      '2:truncated_batch',
      '3:truncated_batch',
    ])
    expect(summary(splitFile(bytes(['FHS|^~\\&', 'BHS|^~\\&', message('A'), 'BTS|1', 'FTS|2'].join('\r'))))).toEqual([
      '1:A',
      '2:truncated_batch',
    ])
    expect(
      summary(splitFile(bytes(['BHS|^~\\&', message('A'), 'BHS|^~\\&', message('B'), 'BTS|1'].join('\r')))),
    ).toEqual(['1:A', '2:truncated_batch', '3:B'])
  })

  it('reports other envelope problems: more messages than counted, a trailer without header, a count that is not a number', () => {
    expect(summary(splitFile(bytes(['BHS|^~\\&', message('A'), message('B'), 'BTS|1'].join('\r'))))).toEqual([
      '1:A',
      '2:B',
      '3:invalid_batch',
    ])
    expect(summary(splitFile(bytes([message('A'), 'BTS|1'].join('\r'))))).toEqual(['1:A', '2:invalid_batch'])
    expect(summary(splitFile(bytes(['BHS|^~\\&', message('A'), 'BTS|one'].join('\r'))))).toEqual([
      '1:A',
      '2:invalid_batch',
    ])
  })

  it('reports an MLLP frame left open', () => {
    expect(summary(splitFile(bytes(`\x0b${message('A')}\r`)))).toEqual(['1:A', '2:truncated_frame'])
    expect(summary(splitFile(bytes(`\x0b${message('A')}\r\x0b${message('B')}\x1c\r`)))).toEqual([
      '1:A',
      '2:truncated_frame',
      '3:B',
    ])
  })

  it('reports text that is not HL7, and segments without an MSH, and still splits the rest', () => {
    const text = `Exported by the lab system\nPage 1\n${message('A')}\rZZZ|stray\r`
    expect(summary(splitFile(bytes(text)))).toEqual(['1:not_hl7', '2:A'])
    expect(summary(splitFile(bytes(`PID|1||9\rOBX|1|ST\r${message('B')}`)))).toEqual(['1:missing_msh', '2:B'])
    expect(summary(splitFile(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0x03, 0x00])))).toEqual(['1:not_hl7'])
  })

  it('reports a message whose MSH-10 is empty, whose character set is unknown or whose bytes are not valid', () => {
    const units = splitFile(
      Buffer.concat([
        bytes(`${message('')}\r`),
        bytes(`${message('K', '||||||KLINGON-8')}\r`),
        bytes(`${message('U')}\rNTE|1||M\xfcller\r`),
        bytes(`${message('OK')}\r`),
      ]),
      { file: 'bad.hl7' },
    )
    expect(summary(units)).toEqual(['1:missing_message_id', '2:unknown_charset', '3:invalid_encoding', '4:OK'])
    const invalid = units[2]!.type === 'error' ? units[2]!.error : undefined
    expect(invalid?.message).toMatch(
      /^HL7 v2 invalid encoding \(file bad.hl7, message 3\): invalid UTF-8 byte 0xFC at byte \d+/,
    )
  })

  it('decodes a file given as text (Spark text source) as UTF-8, still checking MSH-18 names', () => {
    const units = splitFile(`${message('A')}\rNTE|1||café\r${message('K', '||||||KLINGON-8')}`)
    expect(summary(units)).toEqual(['1:A', '2:unknown_charset'])
  })
})
