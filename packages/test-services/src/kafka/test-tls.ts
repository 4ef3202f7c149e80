import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from '../child.ts'

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate. */
export interface TestTls {
  /** The CA certificate (PEM): what a client trusts. */
  readonly caPem: string
  /** The server's certificate chain and key files (PEM), for the broker. */
  readonly serverCertFile: string
  readonly serverKeyFile: string
  readonly caFile: string
  /** A client certificate signed by the same CA, and its key (PEM), for mutual TLS. */
  readonly clientCertPem: string
  readonly clientKeyPem: string
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** Generates the CA and both certificates with the machine's `openssl` into `folder`. */
export async function generateTestTls(folder: string): Promise<TestTls> {
  const file = (name: string) => join(folder, name)
  await run('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '7',
    '-subj',
    '/CN=lakeflow-test-ca',
  ])
  const issue = async (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions)
    await run('openssl', [
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      subject,
    ])
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '7',
      '-extfile',
      file(`${name}.ext`),
    ])
  }
  await issue('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  await issue('client', '/CN=lakeflow-client', 'extendedKeyUsage=clientAuth\n')
  return {
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertPem: readFileSync(file('client.pem'), 'utf8'),
    clientKeyPem: readFileSync(file('client.key'), 'utf8'),
  }
}
