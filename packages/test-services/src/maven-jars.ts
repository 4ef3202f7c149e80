import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './child.ts'
import { cacheRoot } from './paths.ts'

/** A Maven artifact: group, artifact and version. */
export interface MavenArtifact {
  readonly group: string
  readonly artifact: string
  readonly version: string
}

const COMPLETE = '.complete'

/**
 * The folder holding `artifacts` and their runtime dependencies as jars, fetched from Maven
 * Central with the machine's `mvn` the first time and reused afterwards (git-ignored cache).
 * Concurrent callers are safe: each fetches into its own folder and the first rename wins.
 */
export async function mavenJars(name: string, artifacts: readonly MavenArtifact[]): Promise<string> {
  const folder = join(cacheRoot(), name)
  if (existsSync(join(folder, COMPLETE))) return folder
  const staging = `${folder}.tmp-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  const dependencies = artifacts
    .map(
      (item) =>
        `<dependency><groupId>${item.group}</groupId><artifactId>${item.artifact}</artifactId><version>${item.version}</version></dependency>`,
    )
    .join('\n    ')
  writeFileSync(
    join(staging, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lakeflow.test</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dependencies}
  </dependencies>
</project>
`,
  )
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(staging, 'libs')}`,
      ],
      { cwd: staging },
    )
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    throw new Error(
      `fetching ${artifacts.map((item) => `${item.group}:${item.artifact}:${item.version}`).join(', ')} from Maven Central failed (needs mvn and Java 17+): ${(error as Error).message}`,
    )
  }
  for (const jar of readdirSync(join(staging, 'libs'))) renameSync(join(staging, 'libs', jar), join(staging, jar))
  rmSync(join(staging, 'libs'), { recursive: true })
  writeFileSync(join(staging, COMPLETE), '')
  try {
    renameSync(staging, folder)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(join(folder, COMPLETE))) throw error
  }
  return folder
}
