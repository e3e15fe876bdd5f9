// Console logging that cannot leak a credential: anything shaped like a bearer token or JWT,
// and any field named like a secret, is masked before it is written.
import type { Logger } from '../dialogs/deps';

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(bearer)\s+[\w.~+/=-]+/gi;
const SECRET_FIELD = /token|secret|password|authorization|assertion|key/i;

export function redact(text: string): string {
  return text.replace(BEARER, '$1 [redacted]').replace(JWT, '[redacted-jwt]');
}

function safeFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  const clean: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    clean[name] = SECRET_FIELD.test(name) ? '[redacted]' : typeof value === 'string' ? redact(value) : value;
  }
  try {
    return ` ${redact(JSON.stringify(clean))}`;
  } catch {
    return ' [unserializable fields]';
  }
}

export function createConsoleLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`${new Date().toISOString()} ${level} ${redact(message)}${safeFields(fields)}`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** An error's name and message only: stacks and attached request objects may carry headers. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return { error: error.name, message: redact(error.message).slice(0, 500), ...(typeof kind === 'string' ? { kind } : {}) };
  }
  return { error: typeof error };
}
