// A tiny .env reader (no package): KEY=VALUE lines, `#` comments, optional `export `, single or
// double quotes (double quotes understand \n, \" and \\). The process environment wins over the
// file, so a deployment's app settings always override a stray .env.
import { readFileSync } from 'node:fs';

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`.env line ${line}: ${message}`);
  }
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) throw new EnvFileError(index + 1, 'expected NAME=value');
    const key = body.slice(0, eq).trim();
    // Never echo the value: the line may hold a secret.
    if (!KEY.test(key)) throw new EnvFileError(index + 1, 'the name must be letters, digits and underscores');
    values[key] = parseValue(body.slice(eq + 1).trim(), index + 1);
  });
  return values;
}

function parseValue(raw: string, line: number): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    const end = findClosingQuote(raw, quote);
    if (end < 0) throw new EnvFileError(line, `unterminated ${quote === '"' ? 'double' : 'single'} quote`);
    const rest = raw.slice(end + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) throw new EnvFileError(line, 'unexpected text after the closing quote');
    const inner = raw.slice(1, end);
    return quote === "'"
      ? inner
      : inner.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c]!);
  }
  // An unquoted value ends at a " #" comment.
  const comment = raw.search(/\s#/);
  return (comment >= 0 ? raw.slice(0, comment) : raw).trim();
}

function findClosingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') {
      i++;
      continue;
    }
    if (raw[i] === quote) return i;
  }
  return -1;
}

/** The environment merged over the .env file at `path` (a missing file is no error). */
export function withEnvFile(env: Env, path: string): Env {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw error;
  }
  const fromFile = parseEnvFile(text);
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}
