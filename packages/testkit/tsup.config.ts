import { defineConfig } from 'tsup'
import { buildConfig } from '../../tooling/build-config.ts'

// The schema child runs in its own process, so it is an entry of its own.
export default defineConfig(buildConfig({ entry: ['src/index.ts', 'src/schema-child.ts'], external: ['vitest'] }))
