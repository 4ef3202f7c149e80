import { Type } from '@lakeflow/core/options'
import { EXPECTED } from '@lakeflow/core/validate'

// The shapes of the pipeline spec and the connections file, checked by core's `documentIssues`,
// which reports every mismatch with its path. What a shape cannot say (the reserved
// table_configuration values, two objects writing one table) is checked after it, in code.

/** Text with something other than white space in it. */
function nonEmptyText(expected: string) {
  return Type.String({ pattern: '\\S', [EXPECTED]: expected })
}

/**
 * A `table_configuration` value: anything but null. Values reach the connector as strings
 * (see `normaliseConfigValue`); null would have no string to become.
 */
const ConfigValue = Type.Union(
  [Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.Unknown()), Type.Object({})],
  { [EXPECTED]: 'a value (remove the key to leave it unset)' },
)

/** What a Spark pipeline does with a row that fails an expectation: keep, drop, or stop the update. */
export const EXPECTATION_ACTIONS = ['warn', 'drop', 'fail'] as const

/** One `expectations` entry: a Spark SQL condition, or the condition and what to do with failing rows. */
export const ExpectationDocument = Type.Union(
  [
    nonEmptyText('a non-empty SQL condition'),
    Type.Object(
      {
        condition: nonEmptyText('a non-empty SQL condition'),
        action: Type.Optional(
          Type.Union(
            EXPECTATION_ACTIONS.map((action) => Type.Literal(action)),
            { [EXPECTED]: `one of ${EXPECTATION_ACTIONS.join(', ')}` },
          ),
        ),
      },
      { additionalProperties: false, [EXPECTED]: 'a mapping with condition and action' },
    ),
  ],
  { [EXPECTED]: 'a SQL condition, or a mapping with condition and action' },
)

/** `objects[].table`. */
const TableDocument = Type.Object(
  {
    source_table: nonEmptyText('a non-empty string'),
    destination_catalog: Type.Optional(nonEmptyText('a non-empty string')),
    destination_schema: Type.Optional(nonEmptyText('a non-empty string')),
    destination_table: Type.Optional(nonEmptyText('a non-empty string')),
    table_configuration: Type.Optional(
      Type.Record(Type.String(), ConfigValue, { [EXPECTED]: 'a mapping of option names to values' }),
    ),
    expectations: Type.Optional(
      Type.Record(Type.String(), ExpectationDocument, {
        [EXPECTED]: 'a mapping of expectation names to SQL conditions',
      }),
    ),
  },
  { additionalProperties: false, [EXPECTED]: 'a mapping with source_table' },
)

/** One entry of `objects`. */
export const ObjectDocument = Type.Object(
  { table: TableDocument },
  { additionalProperties: false, [EXPECTED]: 'a mapping with the key table' },
)

/** A pipeline spec file, before its configuration values are normalised. */
export const PipelineSpecDocument = Type.Object(
  {
    connection_name: nonEmptyText('a non-empty string'),
    objects: Type.Array(ObjectDocument, { minItems: 1, [EXPECTED]: 'a non-empty list of { table: ... } entries' }),
  },
  { additionalProperties: false, [EXPECTED]: 'a mapping with connection_name and objects' },
)

/** One entry of a connections file. */
const ConnectionDocument = Type.Object(
  {
    connector: nonEmptyText('a connector name such as github'),
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { [EXPECTED]: 'a mapping of option names to values' }),
    ),
  },
  { additionalProperties: false, [EXPECTED]: 'a mapping with connector and options' },
)

/** A connections file: `connections: { my_github: { connector: github, options: {...} } }`. */
export const ConnectionsDocument = Type.Object(
  {
    connections: Type.Record(Type.String(), ConnectionDocument, {
      [EXPECTED]: 'a mapping of connection names to { connector, options }',
    }),
  },
  { additionalProperties: false, [EXPECTED]: 'a mapping with the key connections' },
)
