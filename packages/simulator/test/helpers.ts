import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'
import { createSimulator } from '../src/index.ts'
import type { Simulator, SimulatorOptions } from '../src/types.ts'

export const TICKETS_SPEC = fileURLToPath(new URL('./fixtures/tickets/endpoints.yaml', import.meta.url))
export const TICKETS_CORPUS = fileURLToPath(new URL('./fixtures/tickets/corpus', import.meta.url))

export type Ticket = {
  id: number
  account: string
  status: string
  priority: number | null
  tags: string[]
  updated_at: string
  requester: { name: string; email: string }
}

/** The fixture corpus as the tests' oracle. */
export function tickets(): Ticket[] {
  return JSON.parse(readFileSync(`${TICKETS_CORPUS}/tickets.json`, 'utf8'))
}

const running: Simulator[] = []

/** Creates and starts a simulator that is stopped after the test. */
export async function startSimulator(
  options: Partial<SimulatorOptions> = {},
): Promise<{ simulator: Simulator; url: string }> {
  const simulator = createSimulator({ spec: TICKETS_SPEC, corpus: TICKETS_CORPUS, ...options })
  running.push(simulator)
  const url = await simulator.start()
  return { simulator, url }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()))
})

export const AUTH = { authorization: 'Bearer s3cret-token' }

export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { headers })
  return { status: response.status, body: await response.json(), headers: response.headers }
}

export const ids = (records: readonly Record<string, any>[]) => records.map((record) => record.id)

/** Parses an RFC 8288 Link header into rel → URL. */
export function parseLink(header: string | null): Record<string, string> {
  const links: Record<string, string> = {}
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim())
    if (match) links[match[2]!] = match[1]!
  }
  return links
}
