import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collectRead, type Offset } from '@lakeflow/core/connector'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  COMPACT_DEPTH,
  type FileEntry,
  FileSource,
  type FileSourceSettings,
  globToRegExp,
  localStateStore,
  localStorage,
} from '../src/index.ts'

let directory: string
let state: string

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'files-test-'))
  state = mkdtempSync(join(tmpdir(), 'files-state-'))
})
afterEach(() => {
  rmSync(directory, { recursive: true, force: true })
  rmSync(state, { recursive: true, force: true })
})

/** Writes a file of lines with a modification time (ms). */
function write(name: string, lines: string[], modifiedMs = Date.now() - 60_000): string {
  const path = join(directory, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''))
  utimesSync(path, new Date(modifiedMs), new Date(modifiedMs))
  return path
}

function source(settings: Partial<FileSourceSettings> = {}): FileSource {
  return new FileSource({
    storage: localStorage(directory),
    state: localStateStore(state),
    recursive: true,
    ...settings,
  })
}

/** Units are lines; a row is `<file name>:<line>`. */
async function* lines(_file: FileEntry, open: () => AsyncIterable<Uint8Array>) {
  let text = ''
  for await (const chunk of open()) text += Buffer.from(chunk).toString('utf8')
  yield* text.split('\n').filter(Boolean)
}

/** One read call of lines as `{ at: '<file>:<line>' }` rows. */
function call(from: FileSource, start: Offset | null, maxRows?: number) {
  return from.read<string, { at: string }>(start, {
    table: 't',
    units: lines,
    rows: (line, file) => [{ at: `${file.path.slice(directory.length + 1)}:${line}` }],
    ...(maxRows ? { maxRows } : {}),
  })
}

async function read(from: FileSource, start: Offset | null, maxRows?: number) {
  const result = await collectRead(call(from, start, maxRows))
  return { ...result, records: result.records.map((record) => record.at as string) }
}

/** Reads to a fixed point from `start`, returning every row and the final offset. */
async function drain(from: () => FileSource, start: Offset | null, maxRows?: number) {
  const rows: string[] = []
  let offset = start
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await read(from(), offset, maxRows)
    rows.push(...result.records)
    if (JSON.stringify(result.offset) === JSON.stringify(offset)) return { rows, offset }
    offset = result.offset ?? null
  }
  throw new Error('no fixed point')
}

describe('FileSource', () => {
  it('reads every file once, in path order, then reaches a fixed point', async () => {
    write('b.txt', ['b1', 'b2'])
    write('a.txt', ['a1'])
    write('sub/c.txt', ['c1'])
    const first = await read(source(), {})
    expect(first.records).toEqual(['a.txt:a1', 'b.txt:b1', 'b.txt:b2', 'sub/c.txt:c1'])
    expect(first.offset).toMatchObject({ files: 3, units: 4 })
    const again = await read(source(), first.offset!)
    expect(again.records).toEqual([])
    expect(again.offset).toEqual(first.offset)
  })

  it('reads a file added later even when its name sorts first and its modification time is old', async () => {
    write('m.txt', ['m1'])
    const first = await read(source(), {})
    write('a-copied.txt', ['old'], Date.parse('2001-01-01T00:00:00Z'))
    expect((await read(source(), first.offset!)).records).toEqual(['a-copied.txt:old'])
  })

  it('does not read a touched file again, but reads a rewritten one as a new version', async () => {
    const path = write('a.txt', ['one'])
    const first = await read(source(), {})
    utimesSync(path, new Date(), new Date(Date.now() - 1000))
    const touched = await read(source(), first.offset!)
    expect(touched.records).toEqual([])
    // Same size, new content: only the hash tells.
    write('a.txt', ['two'])
    expect((await read(source(), touched.offset!)).records).toEqual(['a.txt:two'])
  })

  it('stops inside a file at a unit boundary and resumes after exactly the units delivered', async () => {
    write('a.txt', ['1', '2', '3', '4', '5'])
    write('b.txt', ['6', '7'])
    const calls: unknown[][] = []
    let offset: Offset | null = {}
    for (;;) {
      const result = await read(source(), offset, 2)
      if (JSON.stringify(result.offset) === JSON.stringify(offset)) break
      calls.push(result.records)
      offset = result.offset ?? null
    }
    expect(calls).toEqual([['a.txt:1', 'a.txt:2'], ['a.txt:3', 'a.txt:4'], ['a.txt:5', 'b.txt:6'], ['b.txt:7']])
  })

  it('replays a call from the same offset into the same rows and the same manifest', async () => {
    write('a.txt', ['1'])
    write('b.txt', ['2', '3'])
    write('c.txt', ['4'])
    const first = await read(source(), {}, 2)
    const replay = await read(source(), {}, 2)
    expect(replay).toEqual(first)
    const next = await read(source(), first.offset!, 2)
    expect(await read(source(), first.offset!, 2)).toEqual(next)
    // Manifests are content-addressed: replaying wrote no new state.
    expect(readdirSync(join(state, 'manifests')).length).toBe(2)
  })

  it('loses nothing and repeats nothing when a call is abandoned before its offset is committed', async () => {
    write('a.txt', ['1', '2', '3'])
    write('b.txt', ['4', '5'])
    const clean = (await drain(source, {}, 2)).rows
    for (let crashAfter = 1; crashAfter < clean.length; crashAfter++) {
      const committed: string[] = []
      let offset: Offset | null = {}
      let crashed = false
      for (let attempt = 0; attempt < 50; attempt++) {
        if (!crashed && committed.length + 2 > crashAfter) {
          // The call dies after some rows: they and its offset are never committed.
          const partial = await collectRead(call(source(), offset, 2), crashAfter - committed.length)
          expect(partial.complete).toBe(false)
          crashed = true
          continue
        }
        const result = await read(source(), offset, 2)
        committed.push(...result.records)
        if (JSON.stringify(result.offset) === JSON.stringify(offset)) break
        offset = result.offset ?? null
      }
      expect(committed, `crash after ${crashAfter}`).toEqual(clean)
    }
  })

  it('leaves files modified after its cap for a later instance', async () => {
    write('a.txt', ['now'])
    write('b.txt', ['later'], Date.now() + 3_600_000)
    const capped = await read(source(), {})
    expect(capped.records).toEqual(['a.txt:now'])
    expect((await read(source({ cap: Date.now() + 7_200_000 }), capped.offset!)).records).toEqual(['b.txt:later'])
  })

  it('skips hidden and underscore names, honours the glob and recursion', async () => {
    write('keep.hl7', ['1'])
    write('skip.txt', ['2'])
    write('.hidden.hl7', ['3'])
    write('_temp.hl7', ['4'])
    write('_lakeflow_state/x.hl7', ['5'])
    write('nested/deep.hl7', ['6'])
    expect((await read(source({ glob: '*.hl7', recursive: false }), {})).records).toEqual(['keep.hl7:1'])
    expect((await read(source({ glob: '*.hl7', recursive: true }), {})).records).toEqual([
      'keep.hl7:1',
      'nested/deep.hl7:6',
    ])
  })

  it('compacts the manifest chain and still knows every file', async () => {
    for (let index = 0; index < COMPACT_DEPTH + 3; index++)
      write(`f${String(index).padStart(3, '0')}.txt`, [String(index)])
    let offset: Offset | null = {}
    for (let attempt = 0; attempt < COMPACT_DEPTH + 3; attempt++)
      offset = (await read(source(), offset, 1)).offset ?? null
    expect(offset).toMatchObject({ files: COMPACT_DEPTH + 3 })
    expect((await read(source(), offset)).records).toEqual([])
  })

  it('fails with a typed error when the offset names state that is gone, instead of reading everything again', async () => {
    write('a.txt', ['1'])
    const { offset } = await read(source(), {})
    rmSync(join(state, 'manifests'), { recursive: true })
    await expect(read(source(), offset!)).rejects.toThrow(
      /Table t: the offset's file-tracking state is unusable: manifest [0-9a-f]{64} is missing/,
    )
  })

  it('fails clearly when the directory does not exist', async () => {
    const missing = new FileSource({ storage: localStorage(join(directory, 'nope')), state: localStateStore(state) })
    await expect(read(missing, {})).rejects.toThrow(/the directory .*nope does not exist; check volume_path/)
  })
})

describe('globToRegExp', () => {
  it('reads shell patterns as fnmatch does', () => {
    expect(globToRegExp('*.hl7').test('a.hl7')).toBe(true)
    expect(globToRegExp('*.hl7').test('a.hl7.tmp')).toBe(false)
    expect(globToRegExp('ADT_??.txt').test('ADT_01.txt')).toBe(true)
    expect(globToRegExp('[ab]*').test('b1')).toBe(true)
    expect(globToRegExp('[!ab]*').test('b1')).toBe(false)
    expect(globToRegExp('a+b(1).hl7').test('a+b(1).hl7')).toBe(true)
  })
})
