import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, type ServiceProcess, startService } from '../child.ts'
import { freePort, waitForPort } from '../free-port.ts'
import { cacheRoot } from '../paths.ts'

/** The moto release the tests run (its server mode stands in for Kinesis, Firehose and S3). */
export const MOTO_VERSION = '5.2.6'

/**
 * The folder of a virtualenv with `moto[server]`, made with the machine's `python3` the first
 * time and reused afterwards (concurrent callers each build their own and the first rename wins).
 */
export async function motoVirtualenv(): Promise<string> {
  const folder = join(cacheRoot(), `moto-${MOTO_VERSION}`)
  // the scripts' shebangs name the staging folder, so the server runs as `python -m moto.server`
  const server = join(folder, 'bin', 'python')
  if (existsSync(join(folder, 'lib')) && existsSync(server)) return folder
  mkdirSync(cacheRoot(), { recursive: true })
  const staging = `${folder}.tmp-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  try {
    await run('python3', ['-m', 'venv', staging])
    await run(join(staging, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `moto[server]==${MOTO_VERSION}`,
    ])
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    throw new Error(
      `installing moto ${MOTO_VERSION} into a virtualenv failed (needs python3 with venv and PyPI): ${(error as Error).message}`,
    )
  }
  try {
    renameSync(staging, folder)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(server)) throw error
  }
  return folder
}

/** A running moto server on 127.0.0.1 (Kinesis, Firehose, S3 and the other AWS APIs moto serves). */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the endpoint for every AWS client. */
  readonly endpoint: string
  readonly region: string
  /** Credentials moto accepts (any). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  readonly pid: number
  readonly logFile: string
  /** Stops the server by its process id. */
  stop(): Promise<void>
}

/** Starts moto's server on a free port. */
export async function startMotoServer(options: { startTimeoutMs?: number } = {}): Promise<MotoServer> {
  const venv = await motoVirtualenv()
  const port = await freePort()
  const folder = mkdtempSync(join(tmpdir(), 'lakeflow-moto-'))
  const logFile = join(folder, 'moto.log')
  let service: ServiceProcess | undefined = startService(
    join(venv, 'bin', 'python'),
    ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    {
      logFile,
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    },
  )
  const stop = async () => {
    await service?.stop()
    service = undefined
    rmSync(folder, { recursive: true, force: true })
  }
  try {
    await waitForPort(port, options.startTimeoutMs ?? 60_000, () => service?.alive() ?? false)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    pid: service.pid,
    logFile,
    stop,
  }
}
