// Parses the system query options of one request. Unknown, repeated or malformed options are a 400:
// a client that typed $fitler must not silently get the whole collection.
import { badRequest } from '../graph/errors';
import { parseFilter, type FilterExpr } from './filter';

export interface ExpandItem {
  readonly name: string;
  readonly select: readonly string[] | undefined;
  readonly expand: readonly ExpandItem[];
}

export interface OrderBy {
  readonly path: string[];
  readonly descending: boolean;
}

export interface QueryOptions {
  readonly filter: FilterExpr | undefined;
  readonly select: readonly string[] | undefined;
  readonly expand: readonly ExpandItem[];
  readonly top: number | undefined;
  readonly skipToken: string | undefined;
  readonly count: boolean;
  readonly orderBy: readonly OrderBy[];
  /** The options as sent (name=value pairs, raw), minus $skiptoken: what @odata.nextLink repeats. */
  readonly carriedQuery: readonly string[];
}

export type OptionName = '$filter' | '$select' | '$expand' | '$top' | '$skiptoken' | '$count' | '$orderby';
export const COLLECTION_OPTIONS: readonly OptionName[] = ['$filter', '$select', '$expand', '$top', '$skiptoken', '$count', '$orderby'];
export const ENTITY_OPTIONS: readonly OptionName[] = ['$select', '$expand'];

const KNOWN_BUT_UNSUPPORTED = new Set([
  '$search',
  '$skip',
  '$format',
  '$apply',
  '$compute',
  '$levels',
  '$index',
  '$deltatoken',
  '$schemaversion',
  '$id',
]);
export const MAX_TOP = 999;

export function parseQuery(rawQuery: string, allowed: readonly OptionName[]): QueryOptions {
  const seen = new Map<string, string>();
  const carried: string[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const name = decode(rawName).trim().toLowerCase();
    const value = decode(rawValue);
    if (seen.has(name)) throw badRequest(`Query option '${name}' was specified more than once, but it must be specified at most once.`);
    if (!(allowed as readonly string[]).includes(name)) {
      if ((COLLECTION_OPTIONS as readonly string[]).includes(name) || KNOWN_BUT_UNSUPPORTED.has(name)) {
        throw badRequest(`Query option '${name}' is not supported for this request.`);
      }
      throw badRequest(
        `Unrecognized query option '${decode(rawName)}'. Query options of Microsoft Graph start with '$' and must be one of ${allowed.join(', ')}.`,
      );
    }
    seen.set(name, value);
    if (name !== '$skiptoken') carried.push(part);
  }

  const filterText = seen.get('$filter');
  const topText = seen.get('$top');
  let top: number | undefined;
  if (topText !== undefined) {
    if (!/^\d+$/.test(topText.trim()))
      throw badRequest(`Invalid value '${topText}' for query option '$top'. A non-negative integer is expected.`);
    top = Number(topText.trim());
    if (top < 1 || top > MAX_TOP)
      throw badRequest(`Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_TOP} inclusive.`);
  }
  const countText = seen.get('$count');
  if (countText !== undefined && !/^(true|false)$/i.test(countText.trim()))
    throw badRequest(`Invalid value '${countText}' for query option '$count'. Expected 'true' or 'false'.`);
  const skipToken = seen.get('$skiptoken');
  if (skipToken !== undefined && skipToken === '') throw badRequest('The $skiptoken query option must not be empty.');

  return {
    filter: filterText === undefined ? undefined : parseFilter(filterText),
    select: seen.has('$select') ? parseSelect(seen.get('$select')!) : undefined,
    expand: seen.has('$expand') ? parseExpand(seen.get('$expand')!) : [],
    top,
    skipToken,
    count: countText?.trim().toLowerCase() === 'true',
    orderBy: seen.has('$orderby') ? parseOrderBy(seen.get('$orderby')!) : [],
    carriedQuery: carried,
  };
}

// Query strings use '+' for spaces in forms; Graph accepts both '+' and %20.
function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`The query string contains an invalid percent-encoding: '${s}'.`);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseSelect(text: string): string[] {
  const items = splitTopLevel(text, ',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw badRequest(`The $select expression '${text}' is not valid.`);
  for (const s of items) if (s !== '*' && !IDENT.test(s)) throw badRequest(`Term '${s}' is not valid in a $select expression.`);
  return items;
}

export function parseExpand(text: string, depth = 0): ExpandItem[] {
  if (depth > 4) throw badRequest('The $expand expression is nested too deeply.');
  const items = splitTopLevel(text, ',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw badRequest(`The $expand expression '${text}' is not valid.`);
  return items.map((item) => {
    const open = item.indexOf('(');
    const name = (open < 0 ? item : item.slice(0, open)).trim();
    if (name === '*') throw badRequest("'$expand=*' is not supported; name the navigation properties to expand.");
    if (!IDENT.test(name)) throw badRequest(`Term '${item}' is not valid in a $expand expression.`);
    if (open < 0) return { name, select: undefined, expand: [] };
    if (!item.endsWith(')')) throw badRequest(`Term '${item}' is not valid in a $expand expression.`);
    const inner = item.slice(open + 1, -1).trim();
    let select: string[] | undefined;
    let expand: ExpandItem[] = [];
    if (inner !== '') {
      for (const opt of splitTopLevel(inner, ';')) {
        const eq = opt.indexOf('=');
        const optName = (eq < 0 ? opt : opt.slice(0, eq)).trim().toLowerCase();
        const optValue = eq < 0 ? '' : opt.slice(eq + 1);
        if (optName === '$select' && select === undefined) select = parseSelect(optValue);
        else if (optName === '$expand' && expand.length === 0) expand = parseExpand(optValue, depth + 1);
        else throw badRequest(`Query option '${optName}' is not supported inside $expand.`);
      }
    }
    return { name, select, expand };
  });
}

function parseOrderBy(text: string): OrderBy[] {
  return splitTopLevel(text, ',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw badRequest(`The $orderby expression '${text}' is not valid.`);
    return { path: m[1]!.split('/'), descending: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

/** Splits on a separator outside parentheses and quotes; unbalanced input is a 400. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (depth < 0) throw badRequest(`Unbalanced parentheses in '${text}'.`);
      if (ch === sep && depth === 0) {
        out.push(cur);
        cur = '';
        continue;
      }
    }
    cur += ch;
  }
  if (depth !== 0 || quoted) throw badRequest(`Unbalanced parentheses or quotes in '${text}'.`);
  out.push(cur);
  return out;
}
