/** `@lakeflow/connector-acme`: the Lakeflow connector for Acme. */
export { connector, createAcmeConnector } from './acme-connector.ts'
export { AcmeOptions, ItemsOptions } from './acme-options.ts'
export { itemsSchema } from './tables/acme-items.ts'
