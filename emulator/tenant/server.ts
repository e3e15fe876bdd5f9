// The request pipeline: control endpoints, fault injection, authentication, routing, the request log.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlBodyError, controlRefusal, problem } from './control';
import type { Faults } from './faults';
import { ARM_PATH, armErrorResponse } from './arm/errors';
import { answerBatch, BATCH_PATH } from './graph/batch';
import { GraphError, graphErrorResponse } from './graph/errors';
import { unknownSegmentError } from './graph/unknownSegment';
import { BodyTooLargeError, isLoopbackAddress, readBody, writeResponse } from './http/io';
import { dispatch, type Router } from './http/router';
import type { EmulatorRequest, EmulatorResponse } from './http/types';
import type { Principal } from './identity/principal';
import { callerId } from './identity/principal';
import type { RequestLog } from './requestLog';
import { throttledResponse } from './throttling/response';
import type { GraphThrottling } from './throttling/quotas';

export interface Pipeline {
  readonly port: number;
  readonly control: Router;
  readonly identity: Router;
  readonly graph: Router;
  /** ARM Microsoft.Authorization (PIM for Azure resources); absent = no ARM surface. */
  readonly arm?: Router;
  /** Verifies an ARM bearer token (audience management.azure.com). */
  readonly authenticateArm?: (req: EmulatorRequest) => Principal;
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  /** Verifies the bearer token for API paths; throws GraphError(401). */
  readonly authenticate: (req: EmulatorRequest) => Principal;
  /** Graph's identity-and-access quotas (off unless a test or the bench switches them on). */
  readonly throttling: GraphThrottling;
}

const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const GRAPH_PATH = /^\/(v1\.0|beta)(\/|$)/;

export async function handle(pipeline: Pipeline, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const requestId = randomUUID();
  const url = new URL(raw.url ?? '/', 'https://localhost');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const isGraph = GRAPH_PATH.test(path);
  const isArm = !isGraph && pipeline.arm !== undefined && ARM_PATH.test(path);
  const clientRequestId = typeof raw.headers['client-request-id'] === 'string' ? raw.headers['client-request-id'] : requestId;
  const req: EmulatorRequest = {
    method: (raw.method ?? 'GET').toUpperCase(),
    path,
    rawQuery: url.search.replace(/^\?/, ''),
    headers: raw.headers,
    body: Buffer.alloc(0),
    remoteAddress: raw.socket.remoteAddress ?? '',
    isLoopback: isLoopbackAddress(raw.socket.remoteAddress),
    requestId,
    clientRequestId,
    params: {},
    caller: null,
    principal: null,
  };
  const baseHeaders = { 'request-id': requestId, 'client-request-id': clientRequestId };

  if (path.startsWith('/emulator/')) {
    writeResponse(res, await control(pipeline, req, raw), 'application/json; charset=utf-8', baseHeaders);
    return;
  }

  if (isGraph && BATCH_PATH.test(path)) {
    writeResponse(res, await batch(pipeline, req, raw), GRAPH_CONTENT_TYPE, baseHeaders);
    return;
  }

  let response: EmulatorResponse;
  try {
    (req as { body: Buffer }).body = await readBody(raw);
    response = isArm ? await answerArm(pipeline, req) : await answer(pipeline, req, isGraph);
  } catch (e) {
    response = isArm ? armError(req, e) : errorResponse(req, e);
  }
  logRequest(pipeline, req, response, started);
  writeResponse(
    res,
    response,
    !isArm && (isGraph || response.status >= 400) ? GRAPH_CONTENT_TYPE : 'application/json; charset=utf-8',
    baseHeaders,
  );
}

function logRequest(pipeline: Pipeline, req: EmulatorRequest, response: EmulatorResponse, started: number): void {
  pipeline.requestLog.add({
    method: req.method,
    path: req.path,
    query: req.rawQuery,
    status: response.status,
    caller: req.caller,
    time: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}

/**
 * JSON batching: the batch itself is not logged (Graph throttling counts the requests inside it);
 * each inner request is answered by the same steps as a direct call and logged like one.
 */
async function batch(pipeline: Pipeline, req: EmulatorRequest, raw: IncomingMessage): Promise<EmulatorResponse> {
  try {
    (req as { body: Buffer }).body = await readBody(raw);
    req.principal = pipeline.authenticate(req);
    req.caller = callerId(req.principal);
    return await answerBatch(req, async (inner) => {
      const started = Date.now();
      let r: EmulatorResponse;
      try {
        r = await answer(pipeline, inner, true);
      } catch (e) {
        r = errorResponse(inner, e);
      }
      logRequest(pipeline, inner, r, started);
      return r;
    });
  } catch (e) {
    return errorResponse(req, e);
  }
}

async function answer(pipeline: Pipeline, req: EmulatorRequest, isGraph: boolean): Promise<EmulatorResponse> {
  const fault = pipeline.faults.decide(req.method, req.path);
  // Graph throttles per caller, after authentication, so a faulted call still names its caller in
  // the log; an outage answers 503 to everyone, with or without a valid token.
  if (isGraph) {
    try {
      const principal = pipeline.authenticate(req);
      req.principal = principal;
      req.caller = callerId(principal);
    } catch (e) {
      if (fault.kind !== 'unavailable') throw e;
    }
  }
  // Quotas count per app and tenant from the verified token; a JSON batch is charged per request
  // inside it, since each inner request comes through here.
  let resourceUnits: number | undefined;
  if (isGraph && req.principal && pipeline.throttling.enabled) {
    const p = req.principal;
    const decision = pipeline.throttling.admit(
      { appId: p.appId ?? 'unknown-app', tenantId: p.tenantId ?? 'unknown-tenant' },
      req.method,
      req.path,
      req.rawQuery,
    );
    if (!decision.allowed) return throttledResponse(req, decision);
    resourceUnits = decision.cost.resourceUnits;
  }
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.kind === 'throttle') {
    return graphErrorResponse(
      req,
      429,
      'TooManyRequests',
      'Too many requests. Please retry after the time given in the Retry-After header.',
      {
        'retry-after': String(fault.retryAfterSeconds),
      },
    );
  }
  if (fault.kind === 'unavailable')
    return graphErrorResponse(req, 503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.');

  if (isGraph) {
    const r = await dispatch(pipeline.graph, req, methodNotAllowed);
    if (r) return resourceUnits === undefined ? r : { ...r, headers: { ...r.headers, 'x-ms-resource-unit': String(resourceUnits) } };
    throw unknownSegmentError(pipeline.graph, req.path);
  }
  const r = await dispatch(pipeline.identity, req, methodNotAllowed);
  if (r) return r;
  return { status: 404, json: { error: { code: 'NotFound', message: `No such endpoint: ${req.method} ${req.path}` } } };
}

/** ARM: same faults, the ARM token audience, ARM's error envelope. */
async function answerArm(pipeline: Pipeline, req: EmulatorRequest): Promise<EmulatorResponse> {
  const principal = pipeline.authenticateArm!(req);
  req.principal = principal;
  req.caller = callerId(principal);
  const fault = pipeline.faults.decide(req.method, req.path);
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.kind === 'throttle')
    return armErrorResponse(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(fault.retryAfterSeconds) });
  if (fault.kind === 'unavailable') return armErrorResponse(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
  const r = await dispatch(pipeline.arm!, req, (x) =>
    armErrorResponse(405, 'MethodNotAllowed', `The requested resource does not support http method '${x.method}'.`),
  );
  if (r) return r;
  throw new GraphError(404, 'InvalidResourceType', `The resource type could not be found for the path '${req.path}'.`);
}

function armError(req: EmulatorRequest, e: unknown): EmulatorResponse {
  if (e instanceof GraphError)
    return armErrorResponse(
      e.status,
      e.code === 'InvalidAuthenticationToken' ? 'InvalidAuthenticationToken' : e.code,
      e.message,
      e.headers,
    );
  const r = errorResponse(req, e);
  const body = r.json as { error?: { code?: string; message?: string } } | undefined;
  return armErrorResponse(r.status, body?.error?.code ?? 'InternalServerError', body?.error?.message ?? 'An error has occurred.');
}

function methodNotAllowed(req: EmulatorRequest): EmulatorResponse {
  return graphErrorResponse(req, 405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for the requested resource.`);
}

function errorResponse(req: EmulatorRequest, e: unknown): EmulatorResponse {
  if (e instanceof GraphError) return graphErrorResponse(req, e.status, e.code, e.message, e.headers);
  if (e instanceof BodyTooLargeError) return graphErrorResponse(req, 413, 'RequestEntityTooLarge', 'The request body is too large.');
  // An emulator bug must look like a server fault to the client, and be visible to the developer.
  process.stderr.write(`tenant emulator: ${req.method} ${req.path} failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  return graphErrorResponse(req, 500, 'InternalServerError', 'An error has occurred.');
}

async function control(pipeline: Pipeline, req: EmulatorRequest, raw: IncomingMessage): Promise<EmulatorResponse> {
  const refusal = controlRefusal(req, pipeline.port);
  if (refusal) {
    raw.resume();
    return problem(403, refusal);
  }
  try {
    (req as { body: Buffer }).body = await readBody(raw, 64 * 1024);
    const r = await dispatch(pipeline.control, req, () => problem(405, 'method not allowed'));
    return r ?? problem(404, `no control endpoint ${req.path}`);
  } catch (e) {
    if (e instanceof ControlBodyError || e instanceof BodyTooLargeError) return problem(400, e.message);
    throw e;
  }
}
