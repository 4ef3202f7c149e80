/**
 * `@lakeflow/connector-example`: the reference Lakeflow connector. Copy its shape.
 */

export { exampleRateBudget } from './example-api.ts'
export {
  connector,
  createExampleConnector,
  EXAMPLE_TABLES,
  type ExampleConnector,
  type ExampleConnectorSettings,
} from './example-connector.ts'
export {
  CursorTableOptions,
  EventsOptions,
  EXAMPLE_API_BURST,
  EXAMPLE_API_RATE_LIMIT,
  ExampleOptions,
  MetricsOptions,
  OrdersOptions,
  ProductsOptions,
  ReadingsOptions,
} from './example-options.ts'
export { eventsSchema } from './tables/example-events.ts'
export { metricsSchema } from './tables/example-metrics.ts'
export { ordersSchema } from './tables/example-orders.ts'
export { productsSchema } from './tables/example-products.ts'
export { readingsSchema } from './tables/example-readings.ts'
export { usersSchema } from './tables/example-users.ts'
