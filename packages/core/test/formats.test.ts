import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DataFormatError } from '../src/errors/index.ts'
import {
  csvRecords,
  csvRows,
  gunzip,
  ndjsonRecords,
  recordStream,
  toCsv,
  writeZip,
  zipEntries,
  zipStream,
} from '../src/formats/index.ts'
import { collect, rejectionOf } from './support/async.ts'

/** Feeds bytes in chunks of `size` (1 splits every multi-byte character and every CRLF). */
async function* chunks(data: Uint8Array | string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, DataFormatError)

describe('ndjsonRecords', () => {
  it.each([1, 3, 64])('parses lines split across chunks of %i bytes, CRLF, blank lines and a BOM', async (size) => {
    const text = '\uFEFF{"id":1,"name":"Zoë"}\r\n\n{"id":2,"tags":["a"]}\n  \n{"id":3}'
    expect(await collect(ndjsonRecords(chunks(text, size)))).toEqual([
      { id: 1, name: 'Zoë' },
      { id: 2, tags: ['a'] },
      { id: 3 },
    ])
  })

  it('names the line of a bad record', async () => {
    const error = await failure(collect(ndjsonRecords(chunks('{"id":1}\n\n{"id":\n'), { where: 'entry e.ndjson' })))
    expect(error.message).toMatch(/^Malformed NDJSON at entry e\.ndjson, line 3: .*; got "\{\\"id\\":"$/)
    expect(error.category).toBe('source')
  })

  it('rejects bytes that are not UTF-8', async () => {
    const error = await failure(collect(ndjsonRecords(chunks(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 0x0a])))))
    expect(error.message).toContain('not valid UTF-8')
  })
})

describe('csvRows and csvRecords', () => {
  const text =
    '\uFEFFid,name,note\r\n1,Ada,"line one\r\nline two"\r\n2,"Grace ""Amazing"" Hopper",\r\n\r\n3,"a,b",x"y\n4,Zoë,"ends"'

  it.each([1, 2, 5, 1000])('quoted fields with delimiters, quotes and newlines, chunks of %i', async (size) => {
    expect(await collect(csvRecords(chunks(text, size)))).toEqual([
      { id: '1', name: 'Ada', note: 'line one\r\nline two' },
      { id: '2', name: 'Grace "Amazing" Hopper', note: '' },
      { id: '3', name: 'a,b', note: 'x"y' },
      { id: '4', name: 'Zoë', note: 'ends' },
    ])
  })

  it('reports the line each row starts on', async () => {
    const rows = await collect(csvRows(chunks(text, 3)))
    expect(rows.map((row) => row.line)).toEqual([1, 2, 4, 6, 7])
  })

  it('other delimiters, given columns, lone CR line ends', async () => {
    expect(await collect(csvRecords(chunks('1;x\r2;"y;z"\r', 2), { delimiter: ';', columns: ['a', 'b'] }))).toEqual([
      { a: '1', b: 'x' },
      { a: '2', b: 'y;z' },
    ])
  })

  it.each([
    ['a,b\n1,2,3\n', 'Malformed CSV at line 2: expected 2 fields (a, b), got 3'],
    ['a,b\n1,"2"x\n', 'Malformed CSV at line 2: unexpected "x" after a closing quote'],
    ['a,b\n1,"2\n3\n', 'Malformed CSV at line 2: a quoted field is not closed before the end of the data'],
    ['a,a\n1,2\n', 'Malformed CSV at line 1: column "a" appears twice in the header'],
  ])('%j fails clearly', async (input, message) => {
    const error = await failure(collect(csvRecords(chunks(input, 2))))
    expect(error.message.startsWith(message)).toBe(true)
  })

  it('toCsv round-trips through csvRows', async () => {
    const rows = [
      ['id', 'text'],
      ['1', 'plain'],
      ['2', 'comma, "quote"\nnewline'],
      ['3', ' padded '],
      ['4', ''],
    ]
    const written = toCsv(rows, { bom: true })
    expect(written.startsWith('\uFEFFid,text\r\n1,plain\r\n2,"comma, ""quote""\nnewline"\r\n3," padded "\r\n')).toBe(
      true,
    )
    expect((await collect(csvRows(chunks(written, 4)))).map((row) => row.fields)).toEqual(rows)
  })
})

describe('gunzip', () => {
  it('decompresses concatenated members and fails on corrupt data', async () => {
    const data = Buffer.concat([gzipSync('first\n'), gzipSync('second\n')])
    const out = Buffer.concat(await collect(gunzip(chunks(data, 5))))
    expect(out.toString()).toBe('first\nsecond\n')
    const corrupt = Buffer.from(gzipSync('x'.repeat(1000)))
    corrupt[20] = corrupt[20]! ^ 0xff
    const error = await failure(collect(gunzip(chunks(corrupt, 5))))
    expect(error.format).toBe('gzip')
    const cut = gzipSync('y'.repeat(5000)).subarray(0, 30)
    expect((await failure(collect(gunzip(chunks(cut))))).message).toMatch(/Malformed GZIP/)
  })
})

describe('zipEntries', () => {
  const files = [
    { name: 'events.ndjson', data: Buffer.from('{"id":1}\n{"id":2}\n'.repeat(50)) },
    { name: 'dir/', data: Buffer.alloc(0), method: 'store' as const },
    { name: 'small.csv', data: Buffer.from('a\n1\n'), method: 'store' as const },
    { name: 'people.csv', data: Buffer.from('id,name\n1,Ada\n2,"Grace\nHopper"\n'.repeat(20)) },
  ]

  it.each([
    ['sizes in the local headers', false, 1],
    ['data descriptors', true, 1],
    ['sizes in the local headers, big chunks', false, 4096],
    ['data descriptors, big chunks', true, 4096],
  ])('streams entries with %s', async (_label, dataDescriptor, size) => {
    const archive = writeZip(
      files.filter((file) => !dataDescriptor || file.method !== 'store'),
      { dataDescriptor },
    )
    const seen: { name: string; text: string }[] = []
    for await (const entry of zipEntries(chunks(archive, size))) {
      seen.push({ name: entry.name, text: Buffer.concat(await collect(entry.data)).toString() })
    }
    expect(seen).toEqual(
      files
        .filter((file) => !file.name.endsWith('/') && (!dataDescriptor || file.method !== 'store'))
        .map((file) => ({ name: file.name, text: file.data.toString() })),
    )
  })

  it('skips entries left unread, and reads zipStream output', async () => {
    async function* lines() {
      for (let index = 0; index < 500; index++) yield Buffer.from(`{"n":${index}}\n`)
    }
    const archive = Buffer.concat(
      await collect(
        zipStream([
          { name: 'a.ndjson', data: lines() },
          { name: 'b.ndjson', data: Buffer.from('{"n":"b"}\n') },
        ]),
      ),
    )
    const names: string[] = []
    let last: unknown
    for await (const entry of zipEntries(chunks(archive, 100))) {
      names.push(entry.name)
      if (entry.name === 'a.ndjson') {
        for await (const record of ndjsonRecords(entry.data)) {
          last = record
          break
        }
      } else last = await collect(ndjsonRecords(entry.data))
    }
    expect(names).toEqual(['a.ndjson', 'b.ndjson'])
    expect(last).toEqual([{ n: 'b' }])
  })

  it.each([
    [
      'a stored entry with a data descriptor',
      () => writeZip([{ name: 's.csv', data: Buffer.from('a\n'), method: 'store' }], { dataDescriptor: true }),
      'entry s.csv: a stored entry with a data descriptor cannot be streamed',
    ],
    [
      'a corrupt CRC',
      () => {
        const zip = writeZip([{ name: 'x.txt', data: Buffer.from('hello hello hello'), method: 'store' }])
        zip[14] = zip[14]! ^ 1
        return zip
      },
      'entry x.txt: CRC-32 mismatch',
    ],
    ['not a zip', () => Buffer.from('hello, this is text'), 'byte 0: not a ZIP archive'],
    [
      'a cut archive',
      () => writeZip([{ name: 'big.ndjson', data: Buffer.from('{"a":1}\n'.repeat(2000)) }]).subarray(0, 60),
      'entry big.ndjson: the archive ends inside the entry data',
    ],
  ])('%s fails clearly', async (_label, build, message) => {
    const error = await failure(
      (async () => {
        for await (const entry of zipEntries(chunks(build(), 16))) await collect(entry.data)
      })(),
    )
    expect(error.message).toContain(`Malformed ZIP at ${message}`)
  })
})

describe('recordStream', () => {
  const csv = 'id,name\n1,Ada\n2,Grace\n'
  const ndjson = '{"id":1}\n{"id":2}\n'

  it.each([
    ['plain CSV', Buffer.from(csv), 'csv'],
    ['gzipped CSV', gzipSync(csv), 'csv'],
    ['a zip of CSV', writeZip([{ name: 'a.csv', data: Buffer.from(csv) }]), 'csv'],
    ['a zip of gzipped NDJSON files', writeZip([{ name: 'x.json.gz', data: gzipSync(ndjson) }]), 'ndjson'],
    [
      'a gzipped zip of NDJSON',
      gzipSync(writeZip([{ name: 'x.ndjson', data: Buffer.from(ndjson) }], { dataDescriptor: true })),
      'ndjson',
    ],
  ] as const)('%s', async (_label, data, format) => {
    const records = await collect(recordStream(chunks(data, 9), { format }))
    expect(records).toEqual(
      format === 'csv'
        ? [
            { id: '1', name: 'Ada' },
            { id: '2', name: 'Grace' },
          ]
        : [{ id: 1 }, { id: 2 }],
    )
  })

  it('selects zip entries by name and names the entry in errors', async () => {
    const archive = writeZip([
      { name: 'readme.txt', data: Buffer.from('not records') },
      { name: 'data.ndjson', data: Buffer.from('{"ok":true}\n{bad\n') },
    ])
    const records: unknown[] = []
    const error = await failure(
      (async () => {
        for await (const record of recordStream(chunks(archive), {
          format: 'ndjson',
          entries: (name) => name.endsWith('.ndjson'),
        }))
          records.push(record)
      })(),
    )
    expect(records).toEqual([{ ok: true }])
    expect(error.message).toMatch(/^Malformed NDJSON at entry data\.ndjson, line 2: /)
  })
})
