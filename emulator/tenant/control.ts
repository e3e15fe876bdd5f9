// Loopback-only control endpoints for out-of-process users (local runner, e2e, bench):
// the same clock, request log, faults and reset that in-process tests reach through the TenantEmulator object.
// They take no bearer token (a token's authority never reaches them) and refuse anything that is not a
// local, non-browser caller.
import type { ControllableClock } from './clock';
import type { FaultRule, Faults } from './faults';
import { Router } from './http/router';
import type { EmulatorRequest, EmulatorResponse } from './http/types';
import type { RequestLog } from './requestLog';
import { checkDemand, checkSignIn, type ApproverStepUpDemand, type SignInSettings } from './identity/stepUpSettings';
import type { GraphThrottling, ThrottlingSettings } from './throttling/quotas';

export interface ControlDeps {
  readonly clock: ControllableClock;
  readonly requestLog: RequestLog;
  readonly faults: Faults;
  readonly throttling: GraphThrottling;
  readonly reset: () => Promise<void>;
  readonly port: () => number;
  /** Approver step-up switches (identity/stepUpSettings.ts), for out-of-process tests. */
  readonly stepUp: { signIn(s: Partial<SignInSettings>): void; demand(d: readonly ApproverStepUpDemand[]): void; clear(): void };
}

export function controlRouter(deps: ControlDeps): Router {
  const r = new Router();
  r.add('GET', /^\/emulator\/requests$/, () => ({ status: 200, json: { entries: deps.requestLog.entries() } }));
  r.add('DELETE', /^\/emulator\/requests$/, () => {
    deps.requestLog.clear();
    return { status: 204 };
  });
  r.add('GET', /^\/emulator\/clock$/, () => ({ status: 200, json: { now: deps.clock.now().toISOString() } }));
  r.add('POST', /^\/emulator\/clock$/, (req) => {
    const body = jsonBody(req) as { set?: unknown; advanceMs?: unknown; realTime?: unknown };
    if (body.realTime === true) deps.clock.useRealTime();
    if (body.set !== undefined) {
      const t = new Date(String(body.set));
      if (Number.isNaN(t.getTime())) return problem(400, 'set must be an ISO-8601 date-time');
      deps.clock.set(t);
    }
    if (body.advanceMs !== undefined) {
      if (typeof body.advanceMs !== 'number' || !Number.isFinite(body.advanceMs)) return problem(400, 'advanceMs must be a number');
      deps.clock.advance(body.advanceMs);
    }
    return { status: 200, json: { now: deps.clock.now().toISOString() } };
  });
  r.add('POST', /^\/emulator\/faults$/, (req) => {
    const body = jsonBody(req) as { add?: unknown; clear?: unknown };
    if (body.clear === true) deps.faults.clear();
    const rules = body.add === undefined ? [] : Array.isArray(body.add) ? body.add : [body.add];
    try {
      for (const rule of rules) deps.faults.add(rule as FaultRule);
    } catch (e) {
      return problem(400, (e as Error).message);
    }
    return { status: 204 };
  });
  // {"clear": true} | {"signIn": {sessionAmr?, sessionAgeSeconds?, signInAmr?}} | {"demand": [{surface, roleIds?, mfaWithinSeconds?, acrs?}]}
  r.add('POST', /^\/emulator\/step-up$/, (req) => {
    const body = jsonBody(req) as { clear?: unknown; signIn?: unknown; demand?: unknown };
    try {
      const signIn = body.signIn === undefined ? undefined : checkSignIn(body.signIn);
      const demands =
        body.demand === undefined ? undefined : Array.isArray(body.demand) ? body.demand.map(checkDemand) : [checkDemand(body.demand)];
      if (body.clear === true) deps.stepUp.clear();
      if (signIn) deps.stepUp.signIn(signIn);
      if (demands) deps.stepUp.demand(demands);
    } catch (e) {
      return problem(400, (e as Error).message);
    }
    return { status: 204 };
  });
  r.add('GET', /^\/emulator\/throttling$/, () => ({ status: 200, json: { enabled: deps.throttling.enabled, ...deps.throttling.stats() } }));
  // { "enable": { "tenantSize": "medium", "timeScale": 1 } } or { "disable": true }
  r.add('POST', /^\/emulator\/throttling$/, (req) => {
    const body = jsonBody(req) as { enable?: unknown; disable?: unknown };
    if (body.disable === true) deps.throttling.disable();
    if (body.enable !== undefined) {
      if (typeof body.enable !== 'object' || body.enable === null || Array.isArray(body.enable))
        return problem(400, 'enable must be an object of settings');
      try {
        deps.throttling.enable(body.enable as ThrottlingSettings);
      } catch (e) {
        return problem(400, (e as Error).message);
      }
    }
    return { status: 200, json: { enabled: deps.throttling.enabled } };
  });
  r.add('POST', /^\/emulator\/reset$/, async () => {
    await deps.reset();
    return { status: 204 };
  });
  return r;
}

/** Refusal reason, or undefined when the caller may use the control endpoints. */
export function controlRefusal(req: EmulatorRequest, port: number): string | undefined {
  if (!req.isLoopback) return 'control endpoints answer loopback callers only';
  if (req.headers.authorization) return 'control endpoints take no credentials; a bearer token grants nothing here';
  // Browsers send Origin; a web page must not drive the tenant (and DNS rebinding must not reach it).
  if (req.headers.origin) return 'control endpoints refuse browser requests';
  const host = String(req.headers.host ?? '').toLowerCase();
  if (host !== `localhost:${port}` && host !== `127.0.0.1:${port}` && host !== `[::1]:${port}`) return 'unexpected Host header';
  return undefined;
}

export class ControlBodyError extends Error {}

function jsonBody(req: EmulatorRequest): unknown {
  if (req.body.length === 0) return {};
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ControlBodyError('body must be a JSON object');
    return v;
  } catch (e) {
    throw e instanceof ControlBodyError ? e : new ControlBodyError('body must be JSON');
  }
}

export function problem(status: number, message: string): EmulatorResponse {
  return { status, json: { error: { code: status === 403 ? 'Forbidden' : 'BadRequest', message } } };
}
