import { tableFactory } from '@lakeflow/core/connector'
import type { ExampleApi } from './example-client.ts'

/** What every table of the example connector shares. */
export interface ExampleContext {
  /** The API client. */
  readonly api: ExampleApi
  /**
   * The init-time cap: `now` captured when the connector was created (ISO, milliseconds).
   * Reads never go past it, so a read of a growing source still terminates; the next
   * connector instance (the next trigger) gets a later cap and picks up what came after.
   */
  readonly cap: string
}

/** Declares a table of the example connector. */
export const exampleTable = tableFactory<ExampleContext>()
