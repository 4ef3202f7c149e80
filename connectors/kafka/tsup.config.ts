import { defineConfig } from 'tsup'
import { buildConfig } from '../../tooling/build-config.ts'

export default defineConfig(buildConfig())
