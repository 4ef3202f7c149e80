// A connector module declaring an interface version this core does not support.
import { connector as shop } from './shop-connector.ts'

/** The shop connector, claiming specification version v9. */
export const connector = { ...shop, specificationVersion: 'v9' }
