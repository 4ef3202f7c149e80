import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { VersionExistsError } from './release-errors.ts'

/** The name of the pointer to the newest release in a versioned directory. */
export const LATEST_POINTER = 'latest'

/**
 * How the `latest` pointer is written: `symlink` (fails where links are refused), `file` (a
 * text file holding the wheel's file name; what Unity Catalog volumes need, and what to use
 * for a staging directory copied to a volume), or `auto` (a link, else a file).
 */
export type LatestPointerKind = 'auto' | 'symlink' | 'file'

/** Options of {@link releaseToVolume}. */
export interface VolumeReleaseOptions {
  /**
   * The volume (or any directory); the wheel goes to `<root>/<pythonPackage>/`.
   * @example '/Volumes/main/lakeflow/connectors'
   */
  root: string
  /** `lakeflow_connector_<name>`: the versioned directory's name and the wheels' distribution. */
  pythonPackage: string
  /** The wheel's file name. */
  fileName: string
  /** The wheel. */
  bytes: Uint8Array
  /** Replace a wheel already released under this file name. @default false */
  force?: boolean
  /** @default 'auto' */
  latestPointer?: LatestPointerKind
}

/** What {@link releaseToVolume} did. */
export interface VolumeRelease {
  /** `<root>/<pythonPackage>`. */
  directory: string
  /** The wheel's path. */
  wheel: string
  /** True when `force` replaced an earlier wheel of the same file name. */
  replaced: boolean
  /** The wheel `latest` names after this release (the newest version, not always this one). */
  latest: { fileName: string; kind: 'symlink' | 'file' }
}

/** Release number, then pre-release rank (dev < a < b < rc < final) and number. */
type VersionKey = readonly number[]

const PRE_RANK: Record<string, number> = { dev: 0, a: 1, b: 2, rc: 3 }
const FINAL_RANK = 4

/** A sort key for the PEP 440 versions `pep440Version` produces; `undefined` for any other. */
function versionKey(version: string): VersionKey | undefined {
  const match = /^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+)|\.dev(\d+))?$/.exec(version)
  if (!match) return undefined
  const release = match[1]!.split('.').map(Number)
  while (release.length < 3) release.push(0)
  if (match[2]) return [...release, PRE_RANK[match[2]]!, Number(match[3])]
  if (match[4] !== undefined) return [...release, PRE_RANK.dev!, Number(match[4])]
  return [...release, FINAL_RANK, 0]
}

/** Orders two PEP 440 versions of the forms `pep440Version` writes (unknown forms sort first). */
export function compareVersions(left: string, right: string): number {
  const a = versionKey(left) ?? []
  const b = versionKey(right) ?? []
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1)
    if (difference !== 0) return difference
  }
  return 0
}

/** The version in a wheel's file name (`<distribution>-<version>-<tags>.whl`). */
function versionOf(fileName: string): string {
  return fileName.split('-')[1] ?? ''
}

/** The wheel file name `latest` names in `directory` (link or pointer file), if there is one. */
export function readLatestPointer(directory: string): string | undefined {
  const pointer = join(directory, LATEST_POINTER)
  let stat: ReturnType<typeof lstatSync>
  try {
    stat = lstatSync(pointer)
  } catch {
    return undefined
  }
  return (stat.isSymbolicLink() ? readlinkSync(pointer) : readFileSync(pointer, 'utf8')).trim()
}

/**
 * Refuses (before anything is built) to release a file name that is already in the versioned
 * directory, unless `force`.
 * @throws VersionExistsError
 */
export function assertUnreleased(root: string, pythonPackage: string, fileName: string, force = false): void {
  const directory = join(root, pythonPackage)
  if (!force && existsSync(join(directory, fileName))) {
    throw new VersionExistsError({
      file: fileName,
      version: versionOf(fileName),
      where: directory,
      remedy: 'bump the connector version, or pass --force to replace it',
    })
  }
}

/** Link errors that mean "this file system has no symbolic links" (FUSE mounts, some shares). */
function linksRefused(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EINVAL'
}

function writePointer(directory: string, fileName: string, kind: LatestPointerKind): 'symlink' | 'file' {
  const pointer = join(directory, LATEST_POINTER)
  // Written beside, then renamed over: a reader sees the old pointer or the new one, never none.
  const temporary = join(directory, `.${LATEST_POINTER}.${process.pid}.tmp`)
  rmSync(temporary, { force: true })
  if (kind !== 'file') {
    try {
      symlinkSync(fileName, temporary)
      renameSync(temporary, pointer)
      return 'symlink'
    } catch (error) {
      rmSync(temporary, { force: true })
      if (kind === 'symlink' || !linksRefused(error)) throw error
    }
  }
  writeFileSync(temporary, `${fileName}\n`)
  renameSync(temporary, pointer)
  return 'file'
}

/** The wheel `latest` should name: the newest version; among its wheels the one just written, else the current one. */
function newestWheel(directory: string, pythonPackage: string, written: string): string {
  const wheels = readdirSync(directory).filter(
    (name) => name.startsWith(`${pythonPackage}-`) && name.endsWith('.whl') && versionKey(versionOf(name)),
  )
  let newest = written
  for (const name of wheels) if (compareVersions(versionOf(name), versionOf(newest)) > 0) newest = name
  if (newest !== written) {
    const current = readLatestPointer(directory)
    if (current && wheels.includes(current) && compareVersions(versionOf(current), versionOf(newest)) === 0)
      return current
  }
  return newest
}

/**
 * Writes a wheel into the versioned directory `<root>/<pythonPackage>/`, keeping every earlier
 * version, and points `latest` at the newest one. The same file name is refused unless
 * `force`. The wheel is written beside its final name and renamed, so a reader never sees
 * half a wheel.
 * @throws VersionExistsError
 * @example
 * releaseToVolume({ root: '/Volumes/main/lakeflow/connectors', pythonPackage, fileName, bytes })
 */
export function releaseToVolume(options: VolumeReleaseOptions): VolumeRelease {
  const { root, pythonPackage, fileName } = options
  assertUnreleased(root, pythonPackage, fileName, options.force)
  const directory = join(root, pythonPackage)
  mkdirSync(directory, { recursive: true })
  const wheel = join(directory, fileName)
  const replaced = existsSync(wheel)
  const temporary = join(directory, `.${fileName}.${process.pid}.tmp`)
  writeFileSync(temporary, options.bytes)
  renameSync(temporary, wheel)
  const latest = newestWheel(directory, pythonPackage, fileName)
  const kind = writePointer(directory, latest, options.latestPointer ?? 'auto')
  return { directory, wheel, replaced, latest: { fileName: latest, kind } }
}
