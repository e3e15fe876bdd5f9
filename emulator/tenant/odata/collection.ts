// Turns records into Graph responses: $filter, $orderby, paging with @odata.nextLink, $select, $expand,
// and the @odata.context Graph would write for that exact selection.
import { createHash } from 'node:crypto';
import { badRequest } from '../graph/errors';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import { evaluateFilter, resolveProperty, validateFilter, type PropertySchema } from './evaluate';
import { COLLECTION_OPTIONS, ENTITY_OPTIONS, parseQuery, type ExpandItem, type OptionName, type QueryOptions } from './query';

export type Json = Record<string, unknown>;

export interface EntityType<T> {
  /** Graph type name without namespace, e.g. 'unifiedRoleAssignmentScheduleRequest'. */
  readonly name: string;
  /** Properties usable in $filter and $orderby. */
  readonly filterable: PropertySchema;
  /** The entity's structural properties, in Graph's order. */
  toJson(record: T): Json;
  /** Properties Graph returns only when $select names them (not in the default set). */
  selectOnly?(record: T): Json;
  /** Navigation properties for $expand; each resolver shapes its own target (nested $select/$expand). */
  readonly navigation?: Readonly<Record<string, (record: T, item: ExpandItem) => unknown>>;
}

export interface ResponseContext {
  readonly baseUrl: string;
  readonly pageSize: number;
}

export function shapeEntity<T>(type: EntityType<T>, record: T, select: readonly string[] | undefined, expand: readonly ExpandItem[]): Json {
  const full = type.toJson(record);
  const nav = type.navigation ?? {};
  let out: Json;
  if (select === undefined || select.includes('*')) {
    out = { ...full };
  } else {
    out = {};
    const selectable = { ...full, ...type.selectOnly?.(record) };
    for (const s of select) {
      const key = Object.keys(selectable).find((k) => k.toLowerCase() === s.toLowerCase());
      if (key !== undefined) out[key] = selectable[key];
      else if (!Object.keys(nav).some((k) => k.toLowerCase() === s.toLowerCase())) throw unknownProperty(s, type.name);
    }
  }
  for (const item of expand) {
    const name = Object.keys(nav).find((k) => k.toLowerCase() === item.name.toLowerCase());
    if (!name) throw unknownProperty(item.name, type.name);
    const value = nav[name]!(record, item);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function unknownProperty(name: string, typeName: string) {
  return badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`);
}

export interface ListSpec<T> {
  readonly type: EntityType<T>;
  /** Context path after '$metadata#', e.g. 'roleManagement/directory/roleAssignmentScheduleRequests'. */
  readonly contextPath: string;
  /** Bound functions (filterByCurrentUser) answer Collection(type) and tag each item with @odata.type. */
  readonly functionCollection?: boolean;
  readonly allowed?: readonly OptionName[];
  /** Already parsed by the handler (when it had to inspect the filter first). */
  readonly query?: QueryOptions;
}

export function parseListQuery<T>(
  req: EmulatorRequest,
  type: EntityType<T>,
  allowed: readonly OptionName[] = COLLECTION_OPTIONS,
): QueryOptions {
  const q = parseQuery(req.rawQuery, allowed);
  if (q.filter) validateFilter(q.filter, type.filterable, type.name);
  for (const o of q.orderBy) resolveProperty(type.filterable, type.name, o.path);
  return q;
}

export function listResponse<T>(req: EmulatorRequest, ctx: ResponseContext, spec: ListSpec<T>, records: readonly T[]): EmulatorResponse {
  const q = spec.query ?? parseListQuery(req, spec.type, spec.allowed);
  const { type } = spec;
  let rows = records.map((record) => ({ record, json: type.toJson(record) }));
  if (q.filter) rows = rows.filter((r) => evaluateFilter(q.filter!, r.json, type.filterable, type.name));
  if (q.orderBy.length > 0) rows = sortRows(rows, q, type);

  const size = q.top ?? ctx.pageSize;
  const fingerprint = queryFingerprint(req.path, q.carriedQuery);
  const offset = q.skipToken === undefined ? 0 : readSkipToken(q.skipToken, fingerprint);
  const page = rows.slice(offset, offset + size);
  const version = apiVersion(req);

  const body: Json = {
    '@odata.context': `${ctx.baseUrl}/${version}/$metadata#${spec.functionCollection ? `Collection(${type.name})` : spec.contextPath + selectionSuffix(q.select, q.expand)}`,
  };
  if (q.count) body['@odata.count'] = rows.length;
  if (offset + size < rows.length) {
    const token = makeSkipToken(offset + size, fingerprint);
    body['@odata.nextLink'] = `${ctx.baseUrl}${encodeURI(req.path)}?${[...q.carriedQuery, `$skiptoken=${token}`].join('&')}`;
  }
  body.value = page.map(({ record }) => {
    const shaped = shapeEntity(type, record, q.select, q.expand);
    return spec.functionCollection ? { '@odata.type': `#microsoft.graph.${type.name}`, ...shaped } : shaped;
  });
  return { status: 200, json: body };
}

export function entityResponse<T>(
  req: EmulatorRequest,
  ctx: ResponseContext,
  type: EntityType<T>,
  contextPath: string,
  record: T,
  status = 200,
): EmulatorResponse {
  const q = parseQuery(req.rawQuery, ENTITY_OPTIONS);
  return entityBody(req, ctx, type, contextPath, record, q.select, q.expand, status);
}

export function entityBody<T>(
  req: EmulatorRequest,
  ctx: ResponseContext,
  type: EntityType<T>,
  contextPath: string,
  record: T,
  select: readonly string[] | undefined = undefined,
  expand: readonly ExpandItem[] = [],
  status = 200,
): EmulatorResponse {
  const shaped = shapeEntity(type, record, select, expand);
  return {
    status,
    json: {
      '@odata.context': `${ctx.baseUrl}/${apiVersion(req)}/$metadata#${contextPath}${selectionSuffix(select, expand)}/$entity`,
      ...shaped,
    },
  };
}

export function apiVersion(req: EmulatorRequest): string {
  return req.path.startsWith('/beta') ? 'beta' : 'v1.0';
}

/** "(a,b,nav(),nav2(inner()))" exactly as Graph writes it; '' when nothing is selected or expanded. */
export function selectionSuffix(select: readonly string[] | undefined, expand: readonly ExpandItem[]): string {
  const parts = [...(select ?? []), ...expand.map((e) => `${e.name}(${selectionSuffix(e.select, e.expand).slice(1, -1)})`)];
  return parts.length === 0 ? '' : `(${parts.join(',')})`;
}

function sortRows<T>(rows: { record: T; json: Json }[], q: QueryOptions, type: EntityType<T>) {
  const keys = q.orderBy.map((o) => ({ path: resolveProperty(type.filterable, type.name, o.path).split('/'), desc: o.descending }));
  const get = (j: Json, path: string[]) =>
    path.reduce<unknown>((cur, seg) => (cur && typeof cur === 'object' ? (cur as Json)[seg] : undefined), j);
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = get(a.json, k.path);
      const y = get(b.json, k.path);
      if (x === y) continue;
      // Graph sorts nulls first in ascending order.
      const c =
        x === null || x === undefined
          ? -1
          : y === null || y === undefined
            ? 1
            : String(x).localeCompare(String(y), 'en', { sensitivity: 'base', numeric: true });
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  });
}

// Skip tokens are opaque to clients; binding them to the query means a token cannot be replayed
// against a different filter to read past it.
function queryFingerprint(path: string, carried: readonly string[]): string {
  return createHash('sha256').update(path).update('\n').update(carried.join('&')).digest('base64url').slice(0, 12);
}

function makeSkipToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint })).toString('base64url');
}

function readSkipToken(token: string, fingerprint: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === fingerprint) return parsed.o;
  } catch {
    // fall through to the 400
  }
  throw badRequest('The $skiptoken is not valid for this request.');
}
