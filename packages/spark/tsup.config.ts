import { defineConfig } from 'tsup'
import { buildConfig } from '../../tooling/build-config.ts'

export default defineConfig(
  buildConfig({
    entry: ['src/index.ts', 'src/bridge/stdio.ts', 'src/bin/lakeflow-bridge.ts', 'src/bin/lakeflow-pack.ts'],
  }),
)
