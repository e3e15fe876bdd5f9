import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** Node arguments that make a spawned script exit when this process dies (see exitWithParent.js). */
export function childNodeArgs(script: string, args: readonly string[]): string[] {
  return ['--require', path.join(__dirname, 'exitWithParent.js'), script, ...args];
}

/** Resolves with the first stdout/stderr line matching `pattern`; rejects if the child exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, name: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString('utf8')).slice(-8_192);
      const match = seen.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before it was ready: ${seen.trim().slice(-500)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${name} was not ready after ${timeoutMs} ms: ${seen.trim().slice(-500)}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}
