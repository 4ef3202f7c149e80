// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connections-file text with ${ENV} references
import { describe, expect, it } from 'vitest'
import {
  envOptions,
  expandEnv,
  PipelineSpecError,
  parseConnections,
  parsePipelineSpec,
  parsePipelineSpecText,
  resolveConnection,
  resolveTables,
} from '../src/index.ts'

function issuesOf(value: unknown): string[] {
  try {
    parsePipelineSpec(value, 'spec.yaml')
  } catch (error) {
    expect(PipelineSpecError.isInstance(error)).toBe(true)
    return (error as PipelineSpecError).issues.map((issue) => `${issue.path}: ${issue.message}`)
  }
  throw new Error('expected the spec to be rejected')
}

const table = (fields: Record<string, unknown>) => ({ table: { source_table: 'issues', ...fields } })

describe('pipeline spec validation', () => {
  it('accepts an upstream spec unchanged (YAML) and normalises configuration values JSON-sanely', () => {
    const spec = parsePipelineSpecText(
      `connection_name: my_github
objects:
  - table:
      source_table: issues
      destination_catalog: main
      destination_schema: raw
      destination_table: gh_issues
      table_configuration:
        scd_type: scd_type_2
        primary_keys: [id, repo]
        sequence_by: updated_at
        cluster_by: "a, b"
        max_records_per_batch: 500
        include_closed: true
        labels: [bug, ui]
  - table:
      source_table: pulls
`,
      'spec.yaml',
    )
    expect(spec.objects[0]!.table.table_configuration).toEqual({
      scd_type: 'scd_type_2',
      primary_keys: '["id","repo"]',
      sequence_by: 'updated_at',
      cluster_by: 'a, b',
      max_records_per_batch: '500',
      include_closed: 'true',
      labels: '["bug","ui"]',
    })
    const [issues, pulls] = resolveTables(spec)
    expect(issues).toEqual({
      index: 0,
      sourceTable: 'issues',
      destination: { catalog: 'main', schema: 'raw', table: 'gh_issues' },
      tableOptions: { max_records_per_batch: '500', include_closed: 'true', labels: '["bug","ui"]' },
      scdType: 'SCD_TYPE_2',
      primaryKeys: ['id', 'repo'],
      sequenceBy: 'updated_at',
      clusterBy: ['a', 'b'],
    })
    expect(pulls).toEqual({ index: 1, sourceTable: 'pulls', destination: { table: 'pulls' }, tableOptions: {} })
  })

  it('reads JSON specs too, and a single primary key string stays one key (no comma splitting)', () => {
    const spec = parsePipelineSpecText(
      JSON.stringify({ connection_name: 'c', objects: [table({ table_configuration: { primary_keys: 'a,b' } })] }),
    )
    expect(resolveTables(spec)[0]!.primaryKeys).toEqual(['a,b'])
  })

  it('names the path, the expectation and the value for every problem', () => {
    expect(
      issuesOf({
        connection_name: 'c',
        objects: [
          table({}),
          table({ destination_table: 'x' }),
          table({ destination_table: 'y', table_configuration: { scd_type: 'scd3' } }),
        ],
      }),
    ).toEqual([
      'objects[2].table.table_configuration.scd_type: expected one of SCD_TYPE_1, SCD_TYPE_2, APPEND_ONLY, got "scd3"',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [{ table: { source_table: 42 } }] })).toEqual([
      'objects[0].table.source_table: expected a non-empty string, got 42',
    ])
    expect(issuesOf({ connection_name: '  ', objects: [] })).toEqual([
      'connection_name: expected a non-empty string, got "  "',
      'objects: expected a non-empty list of { table: ... } entries, got []',
    ])
    expect(issuesOf({ objects: [table({})] })).toEqual(['connection_name: expected a non-empty string, got nothing'])
    expect(issuesOf({ connection_name: 'c' })).toEqual([
      'objects: expected a non-empty list of { table: ... } entries, got nothing',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ destination: 'x' })], extra: 1 })).toEqual([
      'extra: unknown key "extra"; expected one of connection_name, objects',
      'objects[0].table.destination: unknown key "destination"; expected one of source_table, destination_catalog, destination_schema, destination_table, table_configuration, expectations',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [{ table: { source_table: 'a' }, view: 1 }] })).toEqual([
      'objects[0].view: unknown key "view"; expected one of table',
    ])
    expect(issuesOf({ connection_name: 'c', objects: ['issues'] })).toEqual([
      'objects[0]: expected a mapping with the key table, got "issues"',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [{ table: null }] })).toEqual([
      'objects[0].table: expected a mapping with source_table, got null',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ table_configuration: ['a'] })] })).toEqual([
      'objects[0].table.table_configuration: expected a mapping of option names to values, got ["a"]',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ table_configuration: { limit: null } })] })).toEqual([
      'objects[0].table.table_configuration.limit: expected a value (remove the key to leave it unset), got null',
    ])
    expect(
      issuesOf({ connection_name: 'c', objects: [table({ table_configuration: { primary_keys: '[1, 2]' } })] }),
    ).toEqual([
      'objects[0].table.table_configuration.primary_keys: expected a non-empty list of column names, got "[1, 2]"',
    ])
    expect(
      issuesOf({ connection_name: 'c', objects: [table({ table_configuration: { primary_keys: '[id' } })] }),
    ).toEqual(['objects[0].table.table_configuration.primary_keys: expected a JSON list of column names, got "[id"'])
    expect(issuesOf({ connection_name: 'c', objects: [table({ table_configuration: { sequence_by: '' } })] })).toEqual([
      'objects[0].table.table_configuration.sequence_by: expected a column name, got ""',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ destination_schema: 5 })] })).toEqual([
      'objects[0].table.destination_schema: expected a non-empty string, got 5',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({}), table({})] })).toEqual([
      'objects[1].table: writes the same destination table as objects[0]; set destination_table to tell them apart',
    ])
    expect(issuesOf(['a'])).toEqual(['(root): expected a mapping with connection_name and objects, got ["a"]'])
    expect(issuesOf(null)).toEqual(['(root): expected a mapping with connection_name and objects, got null'])
  })

  it('takes per-table expectations: a SQL condition, or the condition with its action; checks both forms', () => {
    const spec = parsePipelineSpecText(
      `connection_name: c
objects:
  - table:
      source_table: orders
      expectations:
        positive_total: "total >= 0"
        known_status: { condition: "status IN ('open', 'paid')", action: drop }
  - table: { source_table: users }
`,
      'spec.yaml',
    )
    expect(spec.objects[0]!.table.expectations).toEqual({
      positive_total: 'total >= 0',
      known_status: { condition: "status IN ('open', 'paid')", action: 'drop' },
    })
    expect('expectations' in spec.objects[1]!.table).toBe(false)
    expect(
      issuesOf({
        connection_name: 'c',
        objects: [
          table({
            expectations: {
              empty: '',
              number: 5,
              bad_action: { condition: 'a > 0', action: 'ignore' },
              no_condition: { action: 'drop' },
              typo: { condition: 'a > 0', actoin: 'drop' },
            },
          }),
        ],
      }),
    ).toEqual([
      'objects[0].table.expectations.empty: expected a non-empty SQL condition, got ""',
      'objects[0].table.expectations.number: expected a SQL condition, or a mapping with condition and action, got 5',
      'objects[0].table.expectations.bad_action.action: expected one of warn, drop, fail, got "ignore"',
      'objects[0].table.expectations.no_condition.condition: expected a non-empty SQL condition, got nothing',
      'objects[0].table.expectations.typo.actoin: unknown key "actoin"; expected one of condition, action',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ expectations: ['a > 0'] })] })).toEqual([
      'objects[0].table.expectations: expected a mapping of expectation names to SQL conditions, got ["a > 0"]',
    ])
  })

  it("reports shape problems, reserved-key problems and duplicates together, at the entries' own positions", () => {
    expect(
      issuesOf({
        connection_name: 'c',
        objects: [
          { table: 5 },
          table({}),
          table({ table_configuration: { scd_type: 'x', primary_keys: '' } }),
          table({}),
        ],
      }),
    ).toEqual([
      'objects[0].table: expected a mapping with source_table, got 5',
      'objects[2].table.table_configuration.scd_type: expected one of SCD_TYPE_1, SCD_TYPE_2, APPEND_ONLY, got "x"',
      'objects[2].table.table_configuration.primary_keys: expected a column name or a list of them, got ""',
      'objects[3].table: writes the same destination table as objects[1]; set destination_table to tell them apart',
    ])
    expect(issuesOf({ connection_name: 'c', objects: [table({ table_configuration: { 'a.b': null } })] })).toEqual([
      'objects[0].table.table_configuration["a.b"]: expected a value (remove the key to leave it unset), got null',
    ])
  })

  it('gives one readable message naming the file', () => {
    expect(() => parsePipelineSpecText('connection_name: [unclosed', 'bad.yaml')).toThrow(
      /^Invalid pipeline spec bad\.yaml: \(root\): not valid YAML or JSON: /,
    )
    expect(() => parsePipelineSpecText('connection_name: c\nconnection_name: d\nobjects: []', 'dup.yaml')).toThrow(
      /Invalid pipeline spec dup\.yaml: \(root\): not valid YAML or JSON: Map keys must be unique/,
    )
    expect(() =>
      parsePipelineSpec(
        { connection_name: 'c', objects: [table({ table_configuration: { scd_type: 'x' } })] },
        's.yaml',
      ),
    ).toThrow(
      'Invalid pipeline spec s.yaml: objects[0].table.table_configuration.scd_type: expected one of SCD_TYPE_1, SCD_TYPE_2, APPEND_ONLY, got "x"',
    )
  })

  it('scd_type is case-insensitive like upstream get_scd_type', () => {
    const spec = parsePipelineSpec({
      connection_name: 'c',
      objects: [table({ table_configuration: { scd_type: 'append_only' } })],
    })
    expect(resolveTables(spec)[0]!.scdType).toBe('APPEND_ONLY')
  })
})

describe('connections', () => {
  const file = {
    connections: {
      gh: {
        connector: 'github',
        options: { token: '${GH_TOKEN}', base_url: '${GH_URL:-https://api.github.com}', literal: '$${NOT_EXPANDED}' },
      },
    },
  }

  it('expands ${ENV} references, defaults and escapes; env and explicit options override the file', () => {
    const connections = parseConnections(file, 'lakeflow.connections.yaml')
    const resolved = resolveConnection('gh', {
      connections,
      env: { GH_TOKEN: 'tok-123456', LAKEFLOW_OPTION_PER_PAGE: '50', LAKEFLOW_OPTION_BASE_URL: 'http://env' },
      options: { per_page: '10' },
    })
    expect(resolved).toEqual({
      connector: 'github',
      options: { token: 'tok-123456', base_url: 'http://env', literal: '${NOT_EXPANDED}', per_page: '10' },
      from: 'connection "gh" in lakeflow.connections.yaml',
    })
  })

  it('names a missing environment variable', () => {
    const connections = parseConnections(file, 'conn.yaml')
    expect(() => resolveConnection('gh', { connections, env: {} })).toThrow(
      'Invalid connection conn.yaml connections.gh: options.token: environment variable GH_TOKEN is not set; export it or set the option another way',
    )
  })

  it('treats an unknown connection name as a connector name', () => {
    expect(resolveConnection('example', { env: {} })).toEqual({
      connector: 'example',
      options: {},
      from: 'connector "example"',
    })
  })

  it('rejects malformed connections files with paths', () => {
    expect(() => parseConnections({ connections: { a: { connector: '', options: [] } } }, 'c.yaml')).toThrow(
      'Invalid connections file c.yaml: connections.a.connector: expected a connector name such as github, got ""',
    )
    expect(() => parseConnections({ connections: { a: { connector: '', options: [] } } }, 'c.yaml')).toThrow(
      'connections.a.options: expected a mapping of option names to values, got []',
    )
    expect(() => parseConnections({ conections: {} }, 'c.yaml')).toThrow(
      'Invalid connections file c.yaml: conections: unknown key "conections"; expected one of connections; connections: expected a mapping of connection names to { connector, options }, got nothing',
    )
    expect(() => parseConnections(null, 'c.yaml')).toThrow(
      'Invalid connections file c.yaml: (root): expected a mapping with the key connections, got null',
    )
    expect(() =>
      parseConnections({ connections: { 'my.conn': { connector: 'x', extra: 1 }, b: 'str' } }, 'c.yaml'),
    ).toThrow(
      'connections["my.conn"].extra: unknown key "extra"; expected one of connector, options; connections.b: expected a mapping with connector and options, got "str"',
    )
    expect(
      parseConnections({ connections: { gh: { connector: ' github ' } } }, 'c.yaml').connections.get('gh'),
    ).toEqual({
      name: 'gh',
      connector: 'github',
      options: {},
    })
    expect(envOptions({ LAKEFLOW_OPTION_: 'x', LAKEFLOW_OPTION_TOKEN: 't', OTHER: 'y' })).toEqual({ token: 't' })
    expect(expandEnv({ n: 5 }, {}, 'w')).toEqual({ n: 5 })
  })
})
