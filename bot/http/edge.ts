// The HTTP edge, run before routing on every request: in local mode the loopback-only check
// (localOnly.ts), then the JSON-only body reader (jsonBody.ts), which leaves the parsed body in
// req.body. A refused request gets a JSON error; a body still arriving is discarded for a moment,
// then its connection is cut: the client's remaining bytes are never kept, let alone on disk.
// Handlers are plain (req, res, next) callbacks, the form every restify version runs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyHeaderProblem, declaresBody, readJsonBody } from './jsonBody';
import { checkLocalRequest } from './localOnly';

type Next = (stop?: false) => void;
type EdgeRequest = IncomingMessage & { body?: unknown };
export type EdgeHandler = (req: EdgeRequest, res: ServerResponse, next: Next) => void;

/**
 * How long a refused client may go on sending before its connection is cut. Bounded by time only:
 * the discarded bytes cost no memory, and a cut by byte count came too soon on a fast link (the
 * reset reached a client still writing before it had read the answer).
 */
const LINGER_MS = 1000;

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
    readJsonBody(req, maxBytes).then(
      (result) => {
        if (result.ok) {
          req.body = result.body;
          return next();
        }
        refuse(req, res, result.status, result.reason);
        next(false);
      },
      () => {
        refuse(req, res, 400, 'the body could not be read');
        next(false);
      },
    );
  };
}

/**
 * A JSON error. When the body is still arriving, what follows is discarded unread (never stored)
 * for a moment so the client sees the answer, then the connection is cut: closing at once would
 * reset it under a client still writing, which might then never read the answer.
 */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
  if (!res.headersSent) {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
  }
  res.end(JSON.stringify({ error: reason }));
  if (req.complete) return;
  const socket = req.socket;
  const cut = (): void => void (req.complete || socket.destroy());
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  req.on('data', () => undefined);
  req.resume();
}
