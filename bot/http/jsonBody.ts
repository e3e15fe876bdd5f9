// The one body reader of the bot's HTTP edge. Bot Framework sends JSON and nothing else, so a body
// is accepted only as `application/json` (UTF-8), without content coding, and only up to a size
// cap counted on the bytes as they arrive (chunked bodies included). Nothing is ever written to
// disk and never more than the cap is held in memory; any other body is refused before it is read.
// Plain node:http, no framework plugin, so it works the same whatever restify version carries it.
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: 400 | 413 | 415; readonly reason: string };

/** Whether the request carries a body at all (a length above zero, or a transfer coding). */
export function declaresBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Why the headers alone rule the body out, or undefined when it may be read: a media type other
 * than application/json (or a charset other than UTF-8) → 415, a content coding → 415, a declared
 * length over the cap → 413.
 */
export function bodyHeaderProblem(req: IncomingMessage, maxBytes: number): Extract<BodyResult, { ok: false }> | undefined {
  if (!isJsonContentType(req.headers['content-type'])) {
    return { ok: false, status: 415, reason: 'the body must be JSON: send it as Content-Type: application/json' };
  }
  const coding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    return { ok: false, status: 415, reason: 'the body must not be compressed (no Content-Encoding)' };
  }
  const length = req.headers['content-length'];
  if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > maxBytes)) {
    return tooLarge(maxBytes);
  }
  return undefined;
}

/** `application/json`, optionally with `charset=utf-8`; no other parameter, no other type. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const eq = param.indexOf('=');
    if (eq < 0) return param.trim() === '';
    const name = param.slice(0, eq).trim().toLowerCase();
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return name === 'charset' && (value === 'utf-8' || value === 'utf8');
  });
}

/**
 * Reads and parses the body after bodyHeaderProblem passed. Stops reading as soon as the cap is
 * passed (the caller answers 413 and closes the connection); invalid UTF-8 or JSON → 400.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      req.off('close', onError);
      chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        req.pause();
        settle(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const bytes = Buffer.concat(chunks, received);
      settle(parseJson(bytes));
    };
    const onError = (): void => settle({ ok: false, status: 400, reason: 'the body could not be read' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onError);
    // A connection gone before the end (whatever Node version reports it how) ends the wait too.
    req.once('close', onError);
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function parseJson(bytes: Buffer): BodyResult {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, status: 400, reason: 'the body is not valid UTF-8' };
  }
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    // The parser's message would echo part of the body; the caller gets a plain sentence.
    return { ok: false, status: 400, reason: 'the body is not valid JSON' };
  }
}

function tooLarge(maxBytes: number): Extract<BodyResult, { ok: false }> {
  return { ok: false, status: 413, reason: `the body is larger than ${Math.floor(maxBytes / 1024)} KB` };
}
