import type { Offset, RawRecord } from '@lakeflow/core/connector'
import { defineCheck, Findings, show } from '../check.ts'
import type { FileFixture } from '../files/file-fixture.ts'
import { readCall, readUntilConverged, recordsOf } from '../reads.ts'
import { canonical, keyOf } from '../records.ts'
import { withBatch } from '../table-options.ts'
import type { CheckContext, TableTestConfig } from '../types.ts'
import { corpusKey, insertable, rowOf } from './write-back-checks.ts'

const maxIterationsOf = (context: CheckContext) => context.config.readTerminationMaxIterations ?? 50

/** The key the connector's rows carry for a record the fixture placed in a file. */
async function rowKey(context: CheckContext, table: string, settings: TableTestConfig, record: RawRecord) {
  const files = context.requireFiles()
  const key = corpusKey(context, settings.corpus)
  const placed = files.data.records(settings.corpus).find((candidate) => keyOf(candidate, key) === keyOf(record, key))
  if (!placed) throw new Error(`the file fixture lost record ${keyOf(record, key)}`)
  const primary = (await context.metadata(table)).primary_keys ?? key
  return keyOf(rowOf(settings, placed), primary)
}

/** Reads from `start` to a fixed point with a fresh instance; returns the keys read and the end offset. */
async function readKeys(context: CheckContext, table: string, start: Offset | null) {
  const primary = (await context.metadata(table)).primary_keys ?? []
  const result = await readUntilConverged({
    connector: context.connect(),
    table,
    start,
    tableOptions: context.tableOptions(table),
    maxIterations: maxIterationsOf(context),
  })
  return { keys: recordsOf(result.calls).map((record) => keyOf(record, primary)), offset: result.offset }
}

const OLD_TIME = Date.parse('2001-02-03T04:05:06Z')

const fileIdentity = defineCheck({
  id: 'file-identity',
  title: 'files are tracked by identity: an old-dated copy is read, a touched file is not, a rewritten one is',
  source: 'file sources (Auto Loader semantics): path, size and content hash, never a modification-time cursor',
  simulatorOnly: true,
  fileSourceOnly: true,
  async run(context) {
    const files: FileFixture = context.requireFiles()
    const entries = await insertable(context)
    if (entries.length === 0) return context.skip('no insertable table configured (tables.<name>.newRecord)')
    const findings = new Findings(this.id)
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const base = await readKeys(context, table, {})
        // A file copied in with its old modification time, long before everything read so far.
        context.syncClock()
        const copied = settings.newRecord!(30_000)
        const path = files.writeRecords(settings.corpus, [copied], OLD_TIME)
        const copiedKey = await rowKey(context, table, settings, copied)
        const afterCopy = await readKeys(context, table, base.offset)
        if (!afterCopy.keys.includes(copiedKey)) {
          findings.add({
            where: `table ${table}`,
            problem: 'a file copied in with an old modification time (2001) was never read',
            expected: `a read from the last offset returning ${copiedKey}`,
            received: `${afterCopy.keys.length} records: ${show(afterCopy.keys.slice(0, 5), 160)}`,
            fix: 'track files by identity (path, size, content hash) in the offset or a manifest it names, never by a modification-time cursor',
          })
          return
        }
        // The same file touched: a new modification time, the same bytes.
        context.syncClock()
        files.touch(path, Date.parse(files.clock.now()))
        const afterTouch = await readKeys(context, table, afterCopy.offset)
        if (afterTouch.keys.length > 0) {
          findings.add({
            where: `table ${table}`,
            problem: `a file whose modification time changed but whose content did not was read again (${afterTouch.keys.length} records)`,
            expected: 'no records: the content is the same file version',
            received: show(afterTouch.keys.slice(0, 5), 160),
            fix: 'compare a changed file by content hash (or the storage ETag), not by modification time',
          })
          return
        }
        // The same file rewritten with other content under the same name.
        context.syncClock()
        const replacement = settings.newRecord!(30_001)
        files.rewrite(path, [replacement])
        const replacementKey = await rowKey(context, table, settings, replacement)
        const afterRewrite = await readKeys(context, table, afterTouch.offset)
        if (!afterRewrite.keys.includes(replacementKey)) {
          findings.add({
            where: `table ${table}`,
            problem: 'a file rewritten with new content under the same name was not read again',
            expected: `a read returning ${replacementKey}`,
            received: `${afterRewrite.keys.length} records: ${show(afterRewrite.keys.slice(0, 5), 160)}`,
            fix: 'a file whose size or content hash changed is a new version: read it',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Most crash points per table (spread over the clean read). */
const MAX_CRASHES = 24

const fileExactlyOnce = defineCheck({
  id: 'file-exactly-once',
  title: 'a read crashed at any record and resumed from the last committed offset gives every row exactly once',
  source: 'file sources: exactly once per file into the destination',
  simulatorOnly: true,
  fileSourceOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    context.requireFiles()
    const entries = await insertable(context)
    if (entries.length === 0) return context.skip('no insertable table configured (tables.<name>.newRecord)')
    const findings = new Findings(this.id)
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        // Several records per file, so calls stop inside files.
        context.syncClock()
        context.requireFiles().writeRecords(
          settings.corpus,
          Array.from({ length: 9 }, (_, index) => settings.newRecord!(40_000 + index)),
        )
        const options = await withBatch(context, table, 2)
        const clean = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations: 400,
        })
        const expected = recordsOf(clean.calls).map(canonical).sort()
        const total = expected.length
        const distinct = new Set(expected).size
        if (!clean.converged || distinct !== total) {
          findings.add({
            where: `table ${table}`,
            problem: `an uninterrupted read in calls of 2 rows ${clean.converged ? 'repeats rows' : 'never reaches a fixed point'}`,
            expected: 'every row once, then a call returning its start offset',
            received: `${total} rows, ${total - distinct} repeated, over ${clean.calls.length} calls`,
            fix: 'put the position inside the file a call stopped in into the offset, and resume after exactly the units delivered',
          })
          return
        }
        const points = [
          ...new Set(
            Array.from(
              { length: Math.min(MAX_CRASHES, total - 1) },
              (_, index) => 1 + Math.floor((index * (total - 1)) / Math.min(MAX_CRASHES, total - 1)),
            ),
          ),
        ]
        for (const k of points) {
          let offset: Offset | null = {}
          let crashed = false
          const committed: string[] = []
          for (let call = 0; call < 400; call++) {
            const result = await readCall(
              context.connect(),
              table,
              offset,
              options,
              'records',
              crashed ? {} : { limit: Math.max(0, k - committed.length) },
            )
            if (result.end === undefined) {
              crashed = true
              continue
            }
            committed.push(...result.records.map(canonical))
            if (result.end === null || canonical(result.end) === canonical(offset)) break
            offset = result.end
          }
          const got = [...committed].sort()
          if (got.join('\n') !== expected.join('\n')) {
            const have = new Set(committed)
            const lost = expected.filter((record) => !have.has(record)).length
            findings.add({
              where: `table ${table}`,
              problem: `after a crash at record ${k} and a resume from the last committed offset, rows are missing or repeated`,
              expected: `the ${total} rows of an uninterrupted read, each exactly once`,
              received: `${committed.length} rows: ${lost} lost, ${committed.length - (total - lost)} repeated`,
              fix: 'put the position inside the file a call stopped in into the offset, and resume after exactly the units delivered',
            })
            return
          }
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Checks only file sources run (they need the file fixture). */
export const fileChecks = [fileIdentity, fileExactlyOnce] as const
