import { existsSync, readdirSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources, so tests never wait on a build.
const conditions = ['@lakeflow/source', 'module', 'node', 'development|production']
// Externalised dependencies are loaded by Node itself: without `module`, which points some
// packages (the AWS SDK) at builds with extensionless imports that only bundlers resolve.
const ssrConditions = conditions.filter((condition) => condition !== 'module')

// Every package or connector with a `test/` folder is a vitest project; nothing to register by hand.
const projectRoots = ['packages', 'connectors'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(`${group}/${entry.name}/test`))
        .map((entry) => `${group}/${entry.name}`)
    : [],
)

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: ssrConditions, externalConditions: ['node'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: projectRoots.map((root) => ({
      extends: true,
      test: {
        name: root.replace(/^connectors\//, 'connector-').replace(/^packages\//, ''),
        root,
        include: ['test/**/*.test.ts'],
      },
    })),
  },
})
