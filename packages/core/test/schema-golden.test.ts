// Byte-for-byte comparison with text written by PySpark 4.3 (golden/generate.py):
// `DataType.json()` / `StructType.json()` for the JSON, `StructType.toDDL()` for the DDL.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromSparkJson, tableSchemaFromSparkJson, toDdl, toSparkJson } from '../src/schema/index.ts'
import { tableCases, typeCases } from './schema-golden-cases.ts'

function golden(name: string): string {
  return readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')
}

describe('Spark JSON matches PySpark byte for byte', () => {
  it.each(Object.entries(typeCases))('type %s', (name, type) => {
    expect(toSparkJson(type)).toBe(golden(`${name}.golden.json`))
  })

  it.each(Object.entries(tableCases))('table %s', (name, schema) => {
    expect(toSparkJson(schema)).toBe(golden(`${name}.golden.json`))
  })
})

describe('DDL matches Spark toDDL()', () => {
  it.each(Object.entries(tableCases))('table %s', (name, schema) => {
    expect(toDdl(schema)).toBe(golden(`${name}.golden.ddl`))
  })
})

describe('fromSparkJson', () => {
  it.each(Object.entries(tableCases))('reads back table %s unchanged', (name, schema) => {
    const text = toSparkJson(schema)
    const read = tableSchemaFromSparkJson(text)
    expect(read).toEqual(schema)
    expect(toSparkJson(read)).toBe(text)
    // PySpark's own text reads back the same way.
    expect(fromSparkJson(golden(`${name}.golden.json`))).toEqual(schema)
  })

  it.each(Object.entries(typeCases))('reads back type %s unchanged', (name, type) => {
    expect(fromSparkJson(golden(`${name}.golden.json`))).toEqual(type)
    const parsed = JSON.parse(toSparkJson(type))
    expect(toSparkJson(fromSparkJson(parsed))).toBe(toSparkJson(type))
    expect(fromSparkJson(parsed)).toEqual(type)
  })
})
