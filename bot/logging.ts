// Structured logs: one JSON object per line, with the turn's correlation id, and nothing that can
// carry a credential. Secrets are recognised by what they are, wherever they sit (a field of any
// name, a nested object, an error message, a URL): JWTs, Authorization header values, secret
// parameters of connection strings, SAS URLs, token requests and responses (AccountKey=, sig=,
// client_secret=, code=, "access_token": ...), Entra's opaque codes and refresh tokens, PEM private
// keys, and the values registered at startup (client secret, storage key, token cache key). Fields are dropped by
// exact name only, the names that hold nothing but a secret (the settings and the OAuth fields): a
// name merely containing "key" or "token" (an approval record's key, the token endpoint's address,
// a readiness check's name) is useful and is kept, its value still scanned like every other.
import type { Logger } from '../dialogs/deps';
import { currentScope } from './turnScope';

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const AUTH_HEADER = /\b(bearer|basic)\s+[\w.~+/=-]+/gi;
/** name=value pairs of connection strings, SAS URLs, query strings and form bodies. */
const PARAM_SECRET =
  /\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig|client_secret|client_assertion|assertion|code|code_verifier|access_token|refresh_token|id_token|password|MicrosoftAppPassword|LOCAL_CLIENT_SECRET|TOKEN_CACHE_KEY)=([^;&\s"']+)/gi;
/** The same inside a JSON text (an upstream body quoted in an error message). */
const JSON_SECRET =
  /"(client_secret|client_assertion|assertion|code_verifier|access_token|refresh_token|id_token|password)"(\s*:\s*)"(?:[^"\\]|\\.)*"?/gi;
/** Entra's authorization codes and refresh tokens are opaque, not JWTs: "0.A…" / "1.A…". */
const ENTRA_OPAQUE = /\b[01]\.A[\w-]{30}[\w.-]*/g;
/** A PEM private key (the certificate credential's key file), cut or whole. */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\s]*(?:-----END [A-Z ]{0,20}PRIVATE KEY-----)?/g;

/**
 * Field names (compared without case, "_", "-" or ".") whose value is a secret whatever it looks
 * like: the settings that hold secrets and the credential fields of OAuth and HTTP.
 */
const SECRET_FIELDS = new Set(
  [
    'MicrosoftAppPassword',
    'LOCAL_CLIENT_SECRET',
    'TOKEN_CACHE_KEY',
    'tokenCacheKey',
    'STORAGE_CONNECTION_STRING',
    'connectionString',
    'clientSecret',
    'client_secret',
    'secret',
    'password',
    'passphrase',
    'privateKey',
    'clientAssertion',
    'assertion',
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'token',
    'accessToken',
    'refreshToken',
    'idToken',
    'ssoToken',
    'userToken',
    'bearerToken',
    'sasToken',
    'authorizationCode',
    'authCode',
    'codeVerifier',
    'accountKey',
    'sharedAccessKey',
    'sharedAccessSignature',
    'sig',
    'apiKey',
  ].map(normalizeName),
);

/** A field named "code" is an error code ("RoleAssignmentExists", "ECONNRESET", 404) unless it looks like an OAuth code. */
const ERROR_CODE = /^(?:[A-Za-z][A-Za-z_.]{0,79}|\d{1,6})$/;

function normalizeName(name: string): string {
  return name.replace(/[-_.]/g, '').toLowerCase();
}

function isSecretField(name: string, value: unknown): boolean {
  const normalized = normalizeName(name);
  if (SECRET_FIELDS.has(normalized)) return true;
  return normalized === 'code' && typeof value === 'string' && !ERROR_CODE.test(value);
}

/** Values the logger must never print verbatim, whatever their shape (registered at startup). */
const knownSecrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 8) return;
  knownSecrets.add(value);
  // As it appears in a URL or a form body.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) knownSecrets.add(encoded);
}

export function redact(text: string): string {
  let out = text
    .replace(AUTH_HEADER, '$1 [redacted]')
    .replace(JWT, '[redacted-jwt]')
    .replace(PARAM_SECRET, '$1=[redacted]')
    .replace(JSON_SECRET, '"$1"$2"[redacted]"')
    .replace(ENTRA_OPAQUE, '[redacted]')
    .replace(PEM_PRIVATE_KEY, '[redacted-private-key]');
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
    out[name] = isSecretField(name, v) ? '[redacted]' : clean(v, depth + 1);
  }
  return out;
}

export type LogWriter = (line: string) => void;

export function createJsonLogger(
  write: LogWriter = (line) => process.stdout.write(`${line}\n`),
  now: () => Date = () => new Date(),
): Logger {
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
