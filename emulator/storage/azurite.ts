import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { childNodeArgs, waitForLine } from './childProcess';

export interface AzuriteOptions {
  /** Folder for Azurite's data; reused across starts so state survives a restart. */
  readonly location: string;
  /** 0 (default) picks a free port. */
  readonly blobPort?: number;
}

export interface RunningAzurite {
  readonly connectionString: string;
  readonly blobPort: number;
  stop(): Promise<void>;
}

// Azurite's well-known development account; it is public and only ever valid against Azurite.
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  mkdirSync(options.location, { recursive: true });
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const child = spawn(
    process.execPath,
    childNodeArgs(main, [
      '--location',
      options.location,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(options.blobPort ?? 0),
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const line = await waitForLine(child, /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/, 30_000, 'Azurite');
  const blobPort = Number(line[1]);
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    blobPort,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${blobPort}/${DEV_ACCOUNT};`,
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
