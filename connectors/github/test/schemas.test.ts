/**
 * Each table's Spark schema and metadata, kept as files under `test/__snapshots__/schemas/`
 * so schema changes show up in review and in the release policy check (which reads them:
 * dropping or retyping a column, or changing keys, cursor or ingestion type, is a major).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromSparkJson, lintSchema, toDdl, toSparkJsonValue } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'
import { CORPUS_DIR, REPO } from './helpers.ts'

const github = connector.create({ token: 'ghp_schemaTestToken' })
const tableOptions: Record<string, Record<string, string>> = {
  repositories: { org: 'octo-org' },
  organizations: {},
  teams: {},
  users: {},
}
const corpusOf: Record<string, string> = { pull_requests: 'pull_requests', users: 'user' }

describe('table schemas', async () => {
  const tables = await github.listTables()

  it('lists the upstream tables plus issue_events', () => {
    expect(tables).toEqual([
      'issues',
      'repositories',
      'pull_requests',
      'comments',
      'commits',
      'assignees',
      'branches',
      'collaborators',
      'organizations',
      'teams',
      'users',
      'reviews',
      'issue_events',
    ])
  })

  for (const table of tables) {
    const options = tableOptions[table] ?? REPO
    it(`${table}: schema and metadata match __snapshots__/schemas/${table}.json`, async () => {
      const schema = await github.getTableSchema(table, options)
      const metadata = await github.readTableMetadata(table, options)
      const snapshot = { table, metadata, schema: toSparkJsonValue(schema) }
      await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot(
        join('__snapshots__', 'schemas', `${table}.json`),
      )
      expect(fromSparkJson(toSparkJsonValue(schema))).toEqual(fromSparkJson(toSparkJsonValue(schema)))
      expect(toDdl(schema).length).toBeGreaterThan(0)
    })

    it(`${table}: no lint findings on the corpus (ids long, times timestamps, structs not maps)`, () => {
      const schema = github.getTableSchema(table, options)
      const file = join(CORPUS_DIR, `${corpusOf[table] ?? table}.json`)
      const parsed = JSON.parse(readFileSync(file, 'utf8'))
      return schema.then((resolved) => {
        const samples = (Array.isArray(parsed) ? parsed : [parsed]).slice(0, 50)
        const findings = lintSchema(resolved, { samples }).filter(
          // A GitHub App's permissions are open-ended (one key per permission GitHub adds).
          (finding) => !finding.path.endsWith('performed_via_github_app.permissions'),
        )
        expect(findings).toEqual([])
      })
    })
  }
})
