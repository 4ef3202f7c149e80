import { AsyncLocalStorage } from 'node:async_hooks'
import { processWide } from '../errors/process-wide.ts'
import type { HttpEvent, RetryOptions } from './types.ts'

/**
 * HTTP settings that apply to every client running inside a scope, whoever created the
 * client. The runner uses them to hear a connector's retries and rate-limit waits (tagged
 * with the table it is reading), and test suites to shorten backoff without touching the
 * connector under test.
 */
export interface HttpScopeSettings {
  /** Receives every event of clients running in the scope, after the client's own `onEvent`. */
  onEvent?: (event: HttpEvent) => void
  /** Retry options layered over each client's own; a request's own `retry` still wins. */
  retry?: RetryOptions
  /** Per-request timeout replacing each client's default (not a request's explicit one). */
  timeoutMs?: number
}

// One storage per process, shared by every copy of core (connectors may carry their own).
function storage(): AsyncLocalStorage<HttpScopeSettings> {
  return processWide('lakeflow.http.scope', () => new AsyncLocalStorage<HttpScopeSettings>())
}

/**
 * Runs `work` with HTTP scope settings. Scopes nest: both listeners hear every event
 * (inner first), retry options merge with the inner scope winning, the inner timeout wins.
 * Reads started inside the scope keep it for their whole life, including later `next()` calls
 * made from the same async flow.
 * @example
 * await withHttpScope({ onEvent: (event) => log(table, event) }, () => drainRead(connector.readTable(table, offset, options)))
 */
export function withHttpScope<T>(settings: HttpScopeSettings, work: () => T): T {
  const outer = storage().getStore()
  const merged: HttpScopeSettings = outer
    ? {
        onEvent:
          outer.onEvent && settings.onEvent
            ? chain(settings.onEvent, outer.onEvent)
            : (settings.onEvent ?? outer.onEvent),
        retry: outer.retry || settings.retry ? { ...outer.retry, ...settings.retry } : undefined,
        timeoutMs: settings.timeoutMs ?? outer.timeoutMs,
      }
    : settings
  return storage().run(merged, work)
}

function chain(first: (event: HttpEvent) => void, second: (event: HttpEvent) => void) {
  return (event: HttpEvent) => {
    notify(first, event)
    notify(second, event)
  }
}

/** Calls a listener; a listener's own bug must not break the request it observes. */
export function notify(listener: (event: HttpEvent) => void, event: HttpEvent): void {
  try {
    listener(event)
  } catch {
    // ignored on purpose
  }
}

/** The settings of the innermost enclosing {@link withHttpScope}, if any. */
export function currentHttpScope(): HttpScopeSettings | undefined {
  return storage().getStore()
}
