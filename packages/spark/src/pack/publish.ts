import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { ApiCallError, LakeflowError, redactUrl, registerSecret } from '@lakeflow/core/errors'
import { zipEntries } from '@lakeflow/core/formats'
import { basicAuth, createHttpClient } from '@lakeflow/core/http'
import { BRIDGE_VERSION } from '../version.ts'
import { VersionExistsError } from './release-errors.ts'

/** The environment variables {@link publishWheel} reads credentials from (never flags). */
export const PYPI_CREDENTIAL_ENV = {
  /** An API token; sent as the password of user `__token__` (or of `LAKEFLOW_PYPI_USERNAME`). */
  token: 'LAKEFLOW_PYPI_TOKEN',
  username: 'LAKEFLOW_PYPI_USERNAME',
  password: 'LAKEFLOW_PYPI_PASSWORD',
} as const

/** Options of {@link publishWheel}. */
export interface PublishOptions {
  /** The wheel file. */
  wheel: string
  /**
   * The index's upload URL (the upload API PyPI, pypiserver, devpi, Artifactory and Nexus
   * accept; installs then use the index's PEP 503 `simple/` pages). No credentials in it.
   * @example 'https://pypi.example.com/' // pypiserver
   * @example 'https://artifactory.example.com/artifactory/api/pypi/pypi-local'
   */
  indexUrl: string
  /** Where credentials come from (see {@link PYPI_CREDENTIAL_ENV}). @default process.env */
  env?: NodeJS.ProcessEnv
  /** Timeout of the upload request. @default 300000 */
  timeoutMs?: number
}

/** What {@link publishWheel} uploaded. */
export interface PublishResult {
  /** The index URL, redacted. */
  indexUrl: string
  file: string
  name: string
  version: string
  /** Which credentials were sent. */
  credentials: 'token' | 'password' | 'none'
}

interface Credentials {
  user: string
  password: string
  kind: 'token' | 'password'
}

function configError(message: string): LakeflowError {
  return new LakeflowError(message, { category: 'config' })
}

/** The credentials in the environment, checked for a consistent combination. */
export function pypiCredentials(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const { token: tokenName, username: userName, password: passwordName } = PYPI_CREDENTIAL_ENV
  const token = env[tokenName] || undefined
  const user = env[userName] || undefined
  const password = env[passwordName] || undefined
  registerSecret(token)
  registerSecret(password)
  if (token && password) throw configError(`Set ${tokenName} or ${passwordName} for the package index, not both`)
  if (token) return { user: user ?? '__token__', password: token, kind: 'token' }
  if (password) {
    if (!user) throw configError(`${passwordName} is set but ${userName} is not; set both, or ${tokenName}`)
    return { user, password, kind: 'password' }
  }
  if (user) throw configError(`${userName} is set but neither ${passwordName} nor ${tokenName} is`)
  return undefined
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function checkIndexUrl(indexUrl: string, credentials: Credentials | undefined): URL {
  let url: URL
  try {
    url = new URL(indexUrl)
  } catch {
    throw configError(
      `--publish expects the index's upload URL (http or https), got ${JSON.stringify(redactUrl(indexUrl))}`,
    )
  }
  if (url.username || url.password) {
    throw configError(
      `The index URL must not carry credentials (${redactUrl(indexUrl)}); set ${PYPI_CREDENTIAL_ENV.token}, or ${PYPI_CREDENTIAL_ENV.username} and ${PYPI_CREDENTIAL_ENV.password}`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw configError(`The index URL must be http or https, got ${redactUrl(indexUrl)}`)
  if (credentials && url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    throw configError(`Refusing to send credentials over plain http to ${url.host}; use the index's https URL`)
  return url
}

/**
 * Checks an index URL and the credentials in the environment without uploading anything
 * (so a command can refuse before it builds): the URL is http(s) without credentials in it,
 * the credential variables make sense together, and none go over plain http off this host.
 * @throws LakeflowError of category `config`
 */
export function assertPublishable(indexUrl: string, env: NodeJS.ProcessEnv = process.env): void {
  checkIndexUrl(indexUrl, pypiCredentials(env))
}

/** The `Name`, `Version`, ... lines of a wheel's `*.dist-info/METADATA`. */
async function wheelMetadata(wheel: string): Promise<Map<string, string>> {
  for await (const entry of zipEntries(createReadStream(wheel))) {
    if (!/^[^/]+\.dist-info\/METADATA$/.test(entry.name)) continue
    const chunks: Buffer[] = []
    for await (const chunk of entry.data) chunks.push(Buffer.from(chunk))
    const fields = new Map<string, string>()
    for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
      if (line === '') break // the headers end at the first empty line
      const colon = line.indexOf(': ')
      if (colon > 0 && !fields.has(line.slice(0, colon))) fields.set(line.slice(0, colon), line.slice(colon + 2))
    }
    return fields
  }
  throw configError(`${wheel} is not a wheel: it has no *.dist-info/METADATA`)
}

/** A `multipart/form-data` body: text fields, then the file as `content`. */
function formData(fields: Record<string, string>, file: { name: string; data: Buffer }) {
  const boundary = `lakeflow-${randomBytes(12).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` }
}

/**
 * Uploads a wheel to a private Python package index through the upload API (`:action=
 * file_upload`), with credentials from the environment only ({@link PYPI_CREDENTIAL_ENV}),
 * redacted from every message. A version the index already has is a
 * {@link VersionExistsError}; rejected credentials are an `ApiCallError` of category `auth`.
 * @example
 * await publishWheel({ wheel, indexUrl: 'https://pypi.example.com/' }) // LAKEFLOW_PYPI_TOKEN set
 */
export async function publishWheel(options: PublishOptions): Promise<PublishResult> {
  const credentials = pypiCredentials(options.env ?? process.env)
  const url = checkIndexUrl(options.indexUrl, credentials)
  const metadata = await wheelMetadata(options.wheel)
  const name = metadata.get('Name')
  const version = metadata.get('Version')
  if (!name || !version) throw configError(`${options.wheel}: its METADATA has no Name or Version`)
  const data = readFileSync(options.wheel)
  const file = basename(options.wheel)
  const fields: Record<string, string> = {
    ':action': 'file_upload',
    protocol_version: '1',
    metadata_version: metadata.get('Metadata-Version') ?? '2.1',
    name,
    version,
    filetype: 'bdist_wheel',
    pyversion: file.split('-')[2] ?? 'py3',
    summary: metadata.get('Summary') ?? '',
    requires_python: metadata.get('Requires-Python') ?? '',
    md5_digest: createHash('md5').update(data).digest('hex'),
    sha256_digest: createHash('sha256').update(data).digest('hex'),
  }
  const { body, contentType } = formData(fields, { name: file, data })
  const client = createHttpClient({
    baseUrl: url.href,
    timeoutMs: options.timeoutMs ?? 300_000,
    userAgent: { packageName: '@lakeflow/spark', version: BRIDGE_VERSION },
    ...(credentials ? { auth: basicAuth(credentials.user, credentials.password) } : {}),
  })
  const shown = redactUrl(url.href)
  const response = await client
    .request<string>('', {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, accept: 'text/plain, text/html, application/json' },
      responseType: 'text',
      // Answers that mean "this version is already there": 409 (pypiserver), 400 with a message (PyPI).
      allowStatuses: [400, 409],
    })
    .catch((error: unknown) => {
      if (ApiCallError.isInstance(error) && (error.status === 401 || error.status === 403)) {
        const given = credentials
          ? `the ${credentials.kind === 'token' ? 'token' : 'user name and password'} given`
          : 'no credentials'
        throw new ApiCallError(
          `The index refused the upload with ${given}; set ${PYPI_CREDENTIAL_ENV.token}, or ${PYPI_CREDENTIAL_ENV.username} and ${PYPI_CREDENTIAL_ENV.password}`,
          { url: url.href, method: 'POST', status: error.status, isRetryable: false, category: 'auth', cause: error },
        )
      }
      throw error
    })
  if (response.status === 409 || (response.status === 400 && /already exists/i.test(response.data ?? ''))) {
    throw new VersionExistsError({ file, version, where: shown, remedy: 'bump the connector version' })
  }
  if (response.status === 400) {
    throw new ApiCallError('The index rejected the upload', {
      url: url.href,
      method: 'POST',
      status: 400,
      bodyExcerpt: response.data ?? '',
      isRetryable: false,
    })
  }
  return { indexUrl: shown, file, name, version, credentials: credentials?.kind ?? 'none' }
}
