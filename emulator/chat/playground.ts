import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { childNodeArgs, waitForLine } from '../storage/childProcess';
import { stopChild } from '../storage/azurite';
import { playgroundConfig, type PersonaName } from './personas';

export interface PlaygroundOptions {
  readonly persona: PersonaName;
  readonly port: number;
  /** The bot's messaging endpoint, e.g. http://localhost:3978/api/messages. */
  readonly botEndpoint: string;
  /** Working folder: holds the generated config and the Playground's own devTools/ log. */
  readonly workDir: string;
}

export interface RunningPlayground {
  readonly url: string;
  readonly persona: PersonaName;
  stop(): Promise<void>;
}

/** One Microsoft 365 Agents Playground signed in as one demo persona. */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  mkdirSync(options.workDir, { recursive: true });
  const configPath = path.join(options.workDir, '.m365agentsplayground.yml');
  writeFileSync(configPath, playgroundConfig(options.persona));
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    childNodeArgs(cli, ['-e', options.botEndpoint, '-c', 'msteams', '-p', String(options.port), '--dt']),
    {
      cwd: options.workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        // Without these its telemetry SDK probes Azure's instance metadata address at start,
        // traffic that has no business leaving a developer's machine.
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: 'true',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      },
    },
  );
  // The Playground exits quietly (code 1) on a config its schema rejects; its log says why.
  await waitForLine(
    child,
    /listening on|Listening on \d+|localhost:\d+/i,
    60_000,
    `Agents Playground (${options.persona}; see ${path.join(options.workDir, 'devTools')})`,
  );
  child.stdout?.resume();
  child.stderr?.resume();
  // Its "listening" line can come before its page is served (a browser then gets an empty response).
  await untilServed(`http://localhost:${options.port}/`, 30_000);
  return {
    url: `http://localhost:${options.port}`,
    persona: options.persona,
    stop: () => stopChild(child),
  };
}

/** Waits until `url` answers with a page (bounded); the caller's first navigation then finds one. */
async function untilServed(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (res.ok && body.length > 0) return;
    } catch {
      // Not serving yet.
    }
    if (Date.now() >= deadline) throw new Error(`Agents Playground at ${url} did not serve its page within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
