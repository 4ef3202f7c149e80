/** The version of `@lakeflow/spark` (kept equal to package.json by a test). */
export const BRIDGE_VERSION = '0.1.0'
