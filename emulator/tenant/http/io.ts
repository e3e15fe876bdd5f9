import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorResponse } from './types';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export function writeResponse(res: ServerResponse, r: EmulatorResponse, contentType: string, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...(r.headers ?? {}) };
  if (r.html !== undefined) {
    const page = Buffer.from(r.html, 'utf8');
    res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(page.length), ...headers });
    res.end(page);
    return;
  }
  if (r.json === undefined) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(r.json), 'utf8');
  res.writeHead(r.status, { 'content-type': contentType, 'content-length': String(body.length), ...headers });
  res.end(body);
}
