// The Microsoft Graph SDK client, set up once, with the calling user's token attached per request.
// Every Graph failure is turned into a PimError here and nowhere else.

import {
  AuthenticationHandlerOptions,
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphClientError,
  GraphError,
  RetryHandlerOptions,
  type AuthenticationProvider,
  type GraphRequest,
} from '@microsoft/microsoft-graph-client';
import { jwtSubject } from '../../identity/jwt';
import { PimError } from '../errors';
import { RetryAfterGate } from '../retryAfterGate';
import { WriteLine, type RefusalOf, type WriteLineOptions } from '../writeLine';
import { asArray, asRecord, readString } from '../json';
import { mapGraphError, mapUpstreamError, retryAfterMs, retryAfterSeconds } from './graphErrors';

export const GRAPH_PRODUCTION_BASE_URL = 'https://graph.microsoft.com';

export interface GraphRetryPolicy {
  /** Retries of idempotent GETs after 503/504, or a 429 with a short Retry-After. */
  readonly maxRetries: number;
  readonly delaySeconds: number;
  /** The line for writes (POST, PATCH) per tenant; see services/pim/writeLine.ts. */
  readonly writeLine?: Partial<WriteLineOptions>;
}

/** One quick retry keeps a chat answer snappy; the SDK default (3 × up to 180 s) would not. */
export const DEFAULT_GRAPH_RETRY: GraphRetryPolicy = { maxRetries: 1, delaySeconds: 1 };

/** The longest Retry-After a GET waits out in place (the user is waiting for an answer). */
const MAX_INLINE_RETRY_AFTER_SECONDS = 2;

/** The longest Retry-After a throttled read batch waits out before it is sent again. */
const MAX_BATCH_RETRY_AFTER_SECONDS = 5;
/** All a read batch's re-sends together wait at most this long (the turn has 15 s in all). */
const MAX_BATCH_WAIT_SECONDS = 8;
const THROTTLED_BATCH_RESENDS = 2;

export interface GraphApiOptions {
  /** 'https://graph.microsoft.com' in production; the emulator's https origin locally. */
  readonly baseUrl: string;
  readonly retry?: GraphRetryPolicy;
}

export interface ODataQuery {
  readonly filter?: string;
  readonly expand?: string;
  readonly select?: string;
  /** Graph version for this call (default v1.0); PIM's Entra approvals exist only in beta. */
  readonly version?: 'v1.0' | 'beta';
}

export class GraphApi {
  private readonly client: Client;
  private readonly origin: string;
  private readonly retry: GraphRetryPolicy;
  private readonly gate = new RetryAfterGate();
  private readonly writes: WriteLine;

  constructor(options: GraphApiOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:') throw new PimError('invalidInput', 'Graph base URL must be https');
    this.origin = base.origin;
    this.retry = options.retry ?? DEFAULT_GRAPH_RETRY;
    this.writes = new WriteLine(graphRefusal, this.retry.writeLine);
    const isGraph = base.hostname.toLowerCase() === 'graph.microsoft.com';
    this.client = Client.initWithMiddleware({
      baseUrl: this.origin,
      defaultVersion: 'v1.0',
      authProvider: noDefaultToken,
      // The SDK only attaches the Authorization header to Graph's own hosts and these; hostnames
      // only, no port (see isCustomHost in the SDK's GraphRequestUtil).
      customHosts: isGraph ? undefined : new Set([base.hostname]),
    });
  }

  async get(token: string, path: string, query: ODataQuery = {}): Promise<unknown> {
    return this.send(gateKey(token, path), () => this.request(token, path, query, 'GET').get());
  }

  /** GETs a collection and follows `@odata.nextLink` to the end. */
  async list(token: string, path: string, query: ODataQuery = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    let page = asRecord(await this.get(token, path, query));
    for (;;) {
      items.push(...asArray(page?.['value']));
      const next = readString(page, '@odata.nextLink');
      if (!next) return items;
      this.assertSameOrigin(next);
      page = asRecord(await this.get(token, next));
    }
  }

  /**
   * Several independent collection reads with one token in one JSON batch ($batch, up to 20 per
   * batch) instead of one round trip each; each then follows its own `@odata.nextLink`. Graph
   * counts every request inside a batch against its throttling limits, so this saves round trips
   * and time, not quota. One read's failure is its own (a PimError in its place); a failure of the
   * batch itself is every read's.
   */
  async listMany(
    token: string,
    reads: ReadonlyArray<{ readonly path: string; readonly query?: ODataQuery }>,
  ): Promise<Array<unknown[] | PimError>> {
    const out: Array<unknown[] | PimError | undefined> = reads.map((r) => {
      try {
        // Inside an earlier 429's Retry-After for this caller and path: refused at once, as a direct call is.
        this.gate.check(gateKey(token, r.path));
        return undefined;
      } catch (e) {
        return mapGraphError(e);
      }
    });
    const open = reads.flatMap((r, i) => (out[i] === undefined ? [{ read: r, at: i }] : []));
    if (open.length === 1) {
      out[open[0]!.at] = await this.list(token, open[0]!.read.path, open[0]!.read.query).catch((e: unknown) => mapGraphError(e));
    } else {
      for (let i = 0; i < open.length; i += MAX_BATCH) {
        const chunk = open.slice(i, i + MAX_BATCH);
        const answers = await this.batchChunk(
          token,
          chunk.map((c) => c.read),
        ).catch((e: unknown) => chunk.map(() => mapGraphError(e)));
        chunk.forEach((c, k) => (out[c.at] = answers[k]!));
      }
    }
    return out.map((o) => o ?? new PimError('unknown', 'A batched read had no answer'));
  }

  private async batchChunk(
    token: string,
    reads: ReadonlyArray<{ readonly path: string; readonly query?: ODataQuery }>,
  ): Promise<Array<unknown[] | PimError>> {
    const versions = new Set(reads.map((r) => r.query?.version ?? 'v1.0'));
    if (versions.size > 1) throw new PimError('invalidInput', 'One batch goes to one Graph version');
    const version = [...versions][0]!;
    // The SDK keeps the path after the host as the step's url, which Graph wants relative to the
    // version: so the Request's url is the origin + the path without the version.
    const content = new BatchRequestContent(
      reads.map((r, i) => ({ id: String(i), request: new Request(`${this.origin}${r.path}${queryString(r.query)}`) })),
    );
    const key = gateKey(token, '/$batch');
    const raw = await this.send(key, async () =>
      this.request(token, '/$batch', { version }, this.throttledBatchOptions(key)).post(await content.getContent()),
    );
    const responses = new BatchResponseContent(raw as { responses: [] });
    return Promise.all(
      reads.map(async (r, i): Promise<unknown[] | PimError> => {
        const response = responses.getResponseById(String(i));
        if (!response) return new PimError('unavailable', 'Graph answered a batch without one of its requests');
        const body = asRecord(await response.json().catch(() => undefined));
        if (response.status >= 400) {
          const error = asRecord(body?.['error']);
          const failure = mapUpstreamError(
            response.status,
            readString(error, 'code'),
            readString(error, 'message') ?? '',
            response.headers,
            'Graph',
          );
          // A throttled read inside a batch closes its path for the caller as a direct call's would.
          this.gate.record(gateKey(token, r.path), failure);
          return failure;
        }
        const items = [...asArray(body?.['value'])];
        const next = readString(body, '@odata.nextLink');
        if (!next) return items;
        this.assertSameOrigin(next);
        return this.list(token, next).then(
          (rest) => [...items, ...rest],
          (e: unknown) => mapGraphError(e),
        );
      }),
    );
  }

  /** POST, a write: in the tenant's write line (see write). `body` undefined sends none (e.g. one alert's refresh). */
  async post(token: string, path: string, body: object | undefined, query: ODataQuery = {}): Promise<unknown> {
    return this.write(token, () => this.request(token, path, query, NO_SDK_RETRY).post(body));
  }

  /** PATCH, a write: in the tenant's write line (see write). */
  async patch(token: string, path: string, body: object, query: ODataQuery = {}): Promise<unknown> {
    return this.write(token, () => this.request(token, path, query, NO_SDK_RETRY).patch(body));
  }

  /**
   * Every write of this app to the token's tenant goes through one line (services/pim/writeLine.ts):
   * Graph's write quota is the app's in that tenant, so a 429 to any write means every write waits.
   * A write is sent again only after a 429: Graph refuses a throttled request before running it (the
   * quota is checked first and a refused request is not charged), so the re-send is PIM's first sight
   * of it, not a second activation or decision; were a 429 ever sent after the work was done, PIM
   * refuses a second request for a role already active or pending, and a decided approval step. Never
   * after a 503/504 or a timeout: that write may have run. The SDK retries no write itself.
   * Reads keep the per-caller gate (the resource-unit quota is also the app's, but reads are cheap to
   * refuse and many are served from the cache).
   */
  private async write<T>(token: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.writes.run(jwtSubject(token)?.tid ?? 'unknown', call);
    } catch (e) {
      throw mapGraphError(e);
    }
  }

  private request(token: string, path: string, query: ODataQuery, retry: 'GET' | RetryHandlerOptions): GraphRequest {
    const perRequestToken: AuthenticationProvider = { getAccessToken: async () => token };
    const options = retry === 'GET' ? this.readRetryOptions(gateKey(token, path)) : retry;
    let req = this.client.api(path).middlewareOptions([new AuthenticationHandlerOptions(perRequestToken), options]);
    if (query.filter) req = req.filter(query.filter);
    if (query.expand) req = req.expand(query.expand);
    if (query.select) req = req.select(query.select);
    if (query.version) req = req.version(query.version);
    return req;
  }

  private readRetryOptions(key: string): RetryHandlerOptions {
    if (this.retry.maxRetries <= 0) return NO_SDK_RETRY;
    // A 429 is retried only when its Retry-After is short enough to wait inside a chat turn; the
    // SDK then sleeps exactly the Retry-After. A longer one goes back to the user as `throttled`.
    // Either way the gate learns of it now: while this call sleeps, the caller's other calls to the
    // same path must not go out before the Retry-After either.
    return new RetryHandlerOptions(this.retry.delaySeconds, this.retry.maxRetries, (_delay, _attempt, _req, _opts, response) => {
      if (response.status !== 429) return true;
      const seconds = retryAfterSeconds(response.headers);
      this.gate.record(
        key,
        new PimError('throttled', 'Graph throttled the call', seconds === undefined ? {} : { retryAfterSeconds: seconds }),
      );
      return (seconds ?? Number.POSITIVE_INFINITY) <= MAX_INLINE_RETRY_AFTER_SECONDS;
    });
  }

  /**
   * A read batch (a POST that writes nothing) is sent again after a 429 with a short Retry-After (at
   * most 5 s, at most twice, 8 s in all): a refused batch never ran. Never after a 503/504. Each 429
   * is noted by the gate at once, so none of the caller's other reads of `$batch` go out inside it.
   */
  private throttledBatchOptions(key: string): RetryHandlerOptions {
    let waited = 0;
    return new RetryHandlerOptions(0, THROTTLED_BATCH_RESENDS, (_delay, _attempt, _req, _opts, response) => {
      if (response.status !== 429) return false;
      const seconds = retryAfterSeconds(response.headers);
      this.gate.record(
        key,
        new PimError('throttled', 'Graph throttled the call', seconds === undefined ? {} : { retryAfterSeconds: seconds }),
      );
      if (seconds === undefined || seconds > MAX_BATCH_RETRY_AFTER_SECONDS || waited + seconds > MAX_BATCH_WAIT_SECONDS) return false;
      waited += seconds;
      return true;
    });
  }

  private assertSameOrigin(link: string): void {
    let origin: string;
    try {
      origin = new URL(link).origin;
    } catch {
      throw new PimError('unknown', 'Graph returned a malformed nextLink');
    }
    // A page link to another host would carry the user's token there.
    if (origin !== this.origin) throw new PimError('unknown', 'Graph returned a nextLink to another host');
  }

  /** Every call: refused at once inside an earlier 429's Retry-After for the same caller and path. */
  private async send<T>(key: string, call: () => Promise<T>): Promise<T> {
    this.gate.check(key);
    try {
      return await call();
    } catch (e) {
      const error = mapGraphError(e);
      this.gate.record(key, error);
      throw error;
    }
  }
}

/** Graph's limit of requests in one JSON batch. */
const MAX_BATCH = 20;

const NO_SDK_RETRY = new RetryHandlerOptions(0, 0);

/** A write Graph refused with 429 (its Retry-After to the millisecond): it never ran. */
const graphRefusal: RefusalOf = (e) =>
  e instanceof GraphError && e.statusCode === 429 ? { retryAfterMs: retryAfterMs(e.headers ?? undefined) } : undefined;

/** The OData query options as the SDK would send them. */
function queryString(query: ODataQuery | undefined): string {
  const params = [
    query?.filter ? `$filter=${encodeURIComponent(query.filter)}` : '',
    query?.expand ? `$expand=${encodeURIComponent(query.expand)}` : '',
    query?.select ? `$select=${encodeURIComponent(query.select)}` : '',
  ].filter((p) => p !== '');
  return params.length > 0 ? `?${params.join('&')}` : '';
}

/** Graph throttles per caller and resource: the token's user (or app) and the path without its query. */
function gateKey(token: string, path: string): string {
  const subject = jwtSubject(token);
  const pathOnly = path.startsWith('https://') ? new URL(path).pathname : path.split('?')[0]!;
  return `${subject ? subject.oid : 'unknown'}|${pathOnly}`;
}

/** Requests without a per-request token fail loudly instead of going out anonymous. */
const noDefaultToken: AuthenticationProvider = {
  getAccessToken: async () => {
    throw new GraphClientError('Graph request sent without a user token');
  },
};
