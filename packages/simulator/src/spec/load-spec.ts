import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { formatIssue, SimulatorSpecError } from '../errors.ts'
import type { SourceSpec } from '../types.ts'
import { checkSpec } from './check-spec.ts'

/** The name used in messages for a spec given as an object. */
const INLINE_SPEC = '<inline spec>'

/** A validated spec plus where it came from (for messages and relative corpus paths). */
export interface LoadedSpec {
  /** The validated spec. */
  spec: SourceSpec
  /** The absolute path it was read from, or `<inline spec>`. */
  file: string
  /** Problems `lenient` loading accepted (shadowed endpoints), as `file: path (endpoint): message` lines. */
  warnings: string[]
}

/** How {@link loadSpec} treats what the Python simulator accepts but this one rejects by default. */
export interface LoadSpecOptions {
  /** Shadowed endpoints (same method and path as an earlier one) become warnings. @default false */
  lenient?: boolean
}

/**
 * Loads and validates a spec: a path to `endpoints.yaml` (YAML or JSON) or an object.
 * Throws {@link SimulatorSpecError} naming the file and every bad key (see `checkSpec`).
 */
export function loadSpec(input: SourceSpec | string, options: LoadSpecOptions = {}): LoadedSpec {
  if (typeof input !== 'string') return checked(input, INLINE_SPEC, options)
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
  return checked(raw, file, options)
}

function checked(raw: unknown, file: string, options: LoadSpecOptions): LoadedSpec {
  const { spec, issues, tolerable } = checkSpec(raw)
  if (!options.lenient) issues.push(...tolerable)
  if (issues.length > 0) throw new SimulatorSpecError(file, issues)
  const warnings = options.lenient ? tolerable.map((issue) => `${file}: ${formatIssue(issue)}`) : []
  return { spec, file, warnings }
}
