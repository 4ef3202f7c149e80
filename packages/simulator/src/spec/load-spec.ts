import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { SimulatorSpecError } from '../errors.ts'
import type { SourceSpec } from '../types.ts'
import { validateSpec } from './validate-spec.ts'

/** The name used in messages for a spec given as an object. */
const INLINE_SPEC = '<inline spec>'

/** A validated spec plus where it came from (for messages and relative corpus paths). */
export interface LoadedSpec {
  /** The validated spec. */
  spec: SourceSpec
  /** The absolute path it was read from, or `<inline spec>`. */
  file: string
}

/**
 * Loads and validates a spec: a path to `endpoints.yaml` (YAML or JSON) or an object.
 * Throws {@link SimulatorSpecError} naming the file and every bad key.
 */
export function loadSpec(input: SourceSpec | string): LoadedSpec {
  if (typeof input !== 'string') return { spec: checked(input, INLINE_SPEC), file: INLINE_SPEC }
  const file = resolve(input)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new SimulatorSpecError(file, [
      { path: '', message: `cannot read the spec file (${(error as Error).message})` },
    ])
  }
  let raw: unknown
  try {
    raw = parse(text)
  } catch (error) {
    throw new SimulatorSpecError(file, [{ path: '', message: `not valid YAML: ${(error as Error).message}` }])
  }
  return { spec: checked(raw, file), file }
}

function checked(raw: unknown, file: string): SourceSpec {
  const { spec, issues } = validateSpec(raw)
  if (issues.length > 0) throw new SimulatorSpecError(file, issues)
  return spec
}
