/**
 * `@lakeflow/core`: the Lakeflow Connect interface for TypeScript connectors, Spark schema
 * types, record conversion and the HTTP client. Each concern also has its own subpath:
 * `@lakeflow/core/connector`, `/schema`, `/convert`, `/http`, `/options`, `/errors`,
 * `/validate`, `/formats`, `/resolve`.
 */
export * from './connector/index.ts'
export * from './convert/index.ts'
export * from './errors/index.ts'
export * from './formats/index.ts'
export * from './http/index.ts'
export * from './options/index.ts'
export * from './resolve/index.ts'
export * from './schema/index.ts'
export * from './validate/index.ts'
