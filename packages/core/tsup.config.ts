import { defineConfig } from 'tsup'
import { buildConfig } from '../../tooling/build-config.ts'

export default defineConfig(
  buildConfig({
    entry: [
      'src/index.ts',
      'src/errors/index.ts',
      'src/connector/index.ts',
      'src/options/index.ts',
      'src/schema/index.ts',
      'src/convert/index.ts',
      'src/http/index.ts',
      'src/validate/index.ts',
      'src/formats/index.ts',
      'src/resolve/index.ts',
      'src/internal/index.ts',
      'src/kit/index.ts',
    ],
    // typebox ships as ~700 ES modules; loading them costs a process ~28 MB resident, one
    // bundled chunk ~6 MB. Schemas are plain objects, so connectors' types still come from typebox.
    noExternal: [/^typebox($|\/)/],
  }),
)
