import type { Options } from 'tsup'

/**
 * The one build configuration every published package uses. A package's own
 * `tsup.config.ts` is `export default buildConfig({ entry: [...] })`.
 * JavaScript comes from tsup; declarations from `tsc -p tsconfig.build.json`
 * (TypeScript 7 has no compiler API for tsup's dts step).
 */
export function buildConfig(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node24',
    platform: 'node',
    dts: false,
    sourcemap: false,
    clean: true,
    splitting: true,
    treeshake: true,
    ...overrides,
  }
}
