// The HTTP edge, run before routing on every request: in local mode the loopback-only check
// (localOnly.ts), then the JSON-only body reader (jsonBody.ts), which leaves the parsed body in
// req.body. A refused request gets a JSON error and, when its body was not read, a closed
// connection: the client's remaining bytes are never read into memory, let alone to disk.
// Handlers are plain (req, res, next) callbacks, the form every restify version runs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyHeaderProblem, declaresBody, readJsonBody } from './jsonBody';
import { checkLocalRequest } from './localOnly';

type Next = (stop?: false) => void;
type EdgeRequest = IncomingMessage & { body?: unknown };
export type EdgeHandler = (req: EdgeRequest, res: ServerResponse, next: Next) => void;

/** How long, and how many bytes, a refused client may keep sending so it can read the answer. */
const LINGER_MS = 1000;
const LINGER_BYTES = 1024 * 1024;

export function localOnlyGate(): EdgeHandler {
  return (req, res, next) => {
    const check = checkLocalRequest(req.headers, req.socket.localPort);
    if (check.ok) return next();
    refuse(req, res, 403, check.reason);
    next(false);
  };
}

export function jsonBodyGate(maxBytes: number): EdgeHandler {
  return (req, res, next) => {
    if (!declaresBody(req)) return next();
    const problem = bodyHeaderProblem(req, maxBytes);
    if (problem) {
      refuse(req, res, problem.status, problem.reason);
      return next(false);
    }
    readJsonBody(req, maxBytes).then((result) => {
      if (result.ok) {
        req.body = result.body;
        return next();
      }
      refuse(req, res, result.status, result.reason);
      next(false);
    }, () => {
      refuse(req, res, 400, 'the body could not be read');
      next(false);
    });
  };
}

/** A JSON error; when the body is still arriving, the connection is closed after a short linger. */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
  const unread = !req.complete;
  if (!res.headersSent) {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    if (unread) res.setHeader('connection', 'close');
  }
  res.end(JSON.stringify({ error: reason }));
  if (!unread) return;
  // Closing at once would reset the connection under a client still writing, and it might never
  // see the answer; so its next bytes are discarded unread for a moment, then the socket goes.
  const socket = req.socket;
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) socket.destroy();
  });
  req.resume();
}
