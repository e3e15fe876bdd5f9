// Graph JSON batching (POST /v1.0/$batch, /beta/$batch) as Microsoft documents it ("Combine multiple
// HTTP requests using JSON batching"): up to 20 requests, each {id, method, url, headers?, body?,
// dependsOn?}, answered as {responses: [{id, status, headers, body}]}. Each inner request runs through
// the same pipeline as a direct call (authorised with the outer token, faults, throttling) and is
// logged on its own, because Graph throttling counts the requests inside a batch, not the batch.
import { GraphError } from './errors';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';

export const BATCH_PATH = /^\/(v1\.0|beta)\/\$batch$/;
export const MAX_BATCH_REQUESTS = 20;

interface BatchStep {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

/** Answers one inner request as if it had been sent on its own (and logs it). */
export type AnswerInner = (req: EmulatorRequest) => Promise<EmulatorResponse>;

export async function answerBatch(outer: EmulatorRequest, answerInner: AnswerInner): Promise<EmulatorResponse> {
  if (outer.method !== 'POST')
    throw new GraphError(405, 'Request_BadRequest', `The HTTP method '${outer.method}' is not allowed for the requested resource.`);
  const version = BATCH_PATH.exec(outer.path)![1]!;
  const steps = parseBatch(outer.body);
  const results = new Map<string, EmulatorResponse>();
  const responses: Array<{ id: string; status: number; headers: Record<string, string>; body?: unknown }> = [];
  // In order: a step may only depend on an earlier one (checked in parseBatch), so its dependencies are done.
  for (const step of steps) {
    const failedDependency = step.dependsOn.some((d) => (results.get(d.toLowerCase())?.status ?? 500) >= 400);
    const r = failedDependency
      ? { status: 424, json: { error: { code: 'FailedDependency', message: 'A request this request depends on failed.' } } }
      : await answerInner(innerRequest(outer, version, step));
    results.set(step.id.toLowerCase(), r);
    responses.push({
      id: step.id,
      status: r.status,
      headers: { ...(r.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(r.headers ?? {}) },
      ...(r.json !== undefined ? { body: r.json } : {}),
    });
  }
  return { status: 200, json: { responses } };
}

function parseBatch(raw: Buffer): BatchStep[] {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw bad('Invalid batch payload format.');
  }
  const requests = (json as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw bad('Invalid batch payload format: a non-empty "requests" array is required.');
  if (requests.length > MAX_BATCH_REQUESTS) throw bad(`The number of batch request steps exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
  const seen = new Set<string>();
  return requests.map((r: unknown): BatchStep => {
    const o = (r ?? {}) as Record<string, unknown>;
    const { id, method, url } = o;
    if (typeof id !== 'string' || id === '') throw bad('Each batch request needs an "id".');
    if (seen.has(id.toLowerCase())) throw bad(`Batch request ids must be unique; '${id}' is repeated.`);
    if (typeof method !== 'string' || !/^(GET|POST|PATCH|PUT|DELETE)$/i.test(method))
      throw bad(`Batch request '${id}' needs a supported "method".`);
    if (typeof url !== 'string' || url === '' || /^[a-z]+:\/\//i.test(url))
      throw bad(`Batch request '${id}' needs a "url" relative to the version, such as /users.`);
    const headers = readHeaders(id, o['headers']);
    if (o['body'] !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      throw bad(`Batch request '${id}' has a body but no Content-Type header.`);
    }
    const dependsOn = o['dependsOn'] === undefined ? [] : o['dependsOn'];
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string' || !seen.has(d.toLowerCase()))) {
      throw bad(`Batch request '${id}' depends on a request that does not come before it in the batch.`);
    }
    seen.add(id.toLowerCase());
    return { id, method: method.toUpperCase(), url, headers, body: o['body'], dependsOn: dependsOn as string[] };
  });
}

function readHeaders(id: string, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
    throw bad(`Batch request '${id}' has malformed "headers".`);
  }
  return raw as Record<string, string>;
}

function innerRequest(outer: EmulatorRequest, version: string, step: BatchStep): EmulatorRequest {
  const relative = step.url.startsWith('/') ? step.url : `/${step.url}`;
  const url = new URL(`/${version}${relative}`, 'https://localhost');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const lower = Object.fromEntries(Object.entries(step.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const body =
    step.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof step.body === 'string' ? step.body : JSON.stringify(step.body), 'utf8');
  return {
    method: step.method,
    path,
    rawQuery: url.search.replace(/^\?/, ''),
    // The outer token authorises every inner request; the step's own headers (Content-Type, ConsistencyLevel) come on top.
    headers: { ...lower, authorization: outer.headers.authorization },
    body,
    remoteAddress: outer.remoteAddress,
    isLoopback: outer.isLoopback,
    requestId: outer.requestId,
    clientRequestId: outer.clientRequestId,
    params: {},
    caller: null,
    principal: null,
  };
}

function bad(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}
