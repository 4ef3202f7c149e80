import { createHash } from 'node:crypto'
import { writeZip, type ZipEntry } from './zip.ts'

/** What goes into a wheel. */
export interface WheelSpec {
  /** Distribution name, e.g. `lakeflow-connector-github` (normalised to `lakeflow_connector_github`). */
  name: string
  /** npm or PEP 440 version; npm pre-releases are converted (`1.0.0-beta.2` → `1.0.0b2`). */
  version: string
  summary: string
  /** Wheel tag. @default 'py3-none-any' */
  tag?: string
  /** `Requires-Python`. @default '>=3.10' */
  requiresPython?: string
  /** Extra METADATA lines (`Project-URL: ...`). */
  metadata?: readonly string[]
  /** Package files: path inside the wheel → content (and mode). */
  files: readonly ZipEntry[]
}

/** The wheel's normalised distribution name (PEP 427: runs of `-_.` become `_`). */
export function wheelDistribution(name: string): string {
  return name.replace(/[-_.]+/g, '_').toLowerCase()
}

/** A PEP 440 version for an npm (semver) version. */
export function pep440Version(version: string): string {
  const match = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version)
  if (!match) throw new Error(`Cannot turn version ${JSON.stringify(version)} into a Python version`)
  const [, release, pre] = match
  if (!pre) return release!
  const parts = /^(alpha|a|beta|b|rc|pre|c)[.-]?(\d*)$/.exec(pre)
  if (parts) {
    const kind = { alpha: 'a', a: 'a', beta: 'b', b: 'b', rc: 'rc', pre: 'rc', c: 'rc' }[parts[1]!]!
    return `${release}${kind}${parts[2] || '0'}`
  }
  const number = /(\d+)$/.exec(pre)?.[1] ?? '0'
  return `${release}.dev${number}`
}

/** A wheel's file name (PEP 427): `<distribution>-<version>-<tag>.whl`. */
export function wheelFileName(name: string, version: string, tag = 'py3-none-any'): string {
  return `${wheelDistribution(name)}-${pep440Version(version)}-${tag}.whl`
}

function recordHash(data: Uint8Array): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`
}

/**
 * Builds a wheel by hand: the package files, then `<dist>-<version>.dist-info/` with
 * METADATA, WHEEL and RECORD (sha256 and size of every file). No network, no setuptools.
 * Returns the file name (`<dist>-<version>-<tag>.whl`) and the archive bytes.
 */
export function buildWheel(spec: WheelSpec): { fileName: string; bytes: Buffer } {
  const distribution = wheelDistribution(spec.name)
  const version = pep440Version(spec.version)
  const tag = spec.tag ?? 'py3-none-any'
  const info = `${distribution}-${version}.dist-info`
  const metadata = [
    'Metadata-Version: 2.1',
    `Name: ${spec.name}`,
    `Version: ${version}`,
    `Summary: ${spec.summary}`,
    `Requires-Python: ${spec.requiresPython ?? '>=3.10'}`,
    ...(spec.metadata ?? []),
    '',
  ].join('\n')
  const wheel = ['Wheel-Version: 1.0', 'Generator: lakeflow-pack', 'Root-Is-Purelib: true', `Tag: ${tag}`, ''].join(
    '\n',
  )
  const entries: ZipEntry[] = [
    ...spec.files,
    { name: `${info}/METADATA`, data: Buffer.from(metadata) },
    { name: `${info}/WHEEL`, data: Buffer.from(wheel) },
  ]
  const record = [
    ...entries.map((entry) => `${entry.name},${recordHash(entry.data)},${entry.data.length}`),
    `${info}/RECORD,,`,
    '',
  ].join('\n')
  entries.push({ name: `${info}/RECORD`, data: Buffer.from(record) })
  return { fileName: wheelFileName(spec.name, spec.version, tag), bytes: writeZip(entries) }
}
