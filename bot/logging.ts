// Structured logs: one JSON object per line, with the turn's correlation id, and nothing that can
// carry a credential. Anything shaped like a bearer token, JWT, client secret or connection-string
// key is masked, and any field named like a secret is dropped to "[redacted]", before it is written.
import type { Logger } from '../dialogs/deps';
import { currentScope } from './turnScope';

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(bearer)\s+[\w.~+/=-]+/gi;
/** Storage connection strings and SAS tokens: AccountKey=..., SharedAccessSignature=..., sig=... */
const CONNECTION_SECRET = /\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig|client_secret|client_assertion|assertion|code)=([^;&\s"']+)/gi;
const SECRET_FIELD = /token|secret|password|authorization|assertion|key|credential|cookie|connectionstring/i;

/** Values the logger must never print verbatim, whatever their shape (registered at startup). */
const knownSecrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

export function redact(text: string): string {
  let out = text.replace(BEARER, '$1 [redacted]').replace(JWT, '[redacted-jwt]').replace(CONNECTION_SECRET, '$1=[redacted]');
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  if (value instanceof Error) return { error: value.name, message: redact(value.message).slice(0, 500) };
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    out[name] = SECRET_FIELD.test(name) ? '[redacted]' : clean(v, depth + 1);
  }
  return out;
}

export type LogWriter = (line: string) => void;

export function createJsonLogger(write: LogWriter = (line) => process.stdout.write(`${line}\n`), now: () => Date = () => new Date()): Logger {
  const log = (level: 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    const correlationId = currentScope()?.correlationId;
    const entry: Record<string, unknown> = {
      time: now().toISOString(),
      level,
      msg: redact(message),
      ...(correlationId ? { correlationId } : {}),
      ...(fields ? (clean(fields) as Record<string, unknown>) : {}),
    };
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: entry.time, level, msg: entry.msg, correlationId, fields: '[unserializable]' });
    }
    // A last pass over the whole line: a secret split across fields still never leaves.
    write(redact(line));
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Kept for callers of the first version; the same JSON lines on stderr. */
export function createConsoleLogger(write: LogWriter = (line) => process.stderr.write(`${line}\n`)): Logger {
  return createJsonLogger(write);
}

/** An error's name and message only: stacks and attached request objects may carry headers. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return { error: error.name, message: redact(error.message).slice(0, 500), ...(typeof kind === 'string' ? { kind } : {}) };
  }
  return { error: typeof error };
}
