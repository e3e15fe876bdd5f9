// Which Teams channel (if any) also gets a request's approval card: a small routing table, so a team
// can send, say, Azure production roles to one channel and Entra roles to another. Written as
//   APPROVAL_CHANNELS="azureResource:/subscriptions/<id>=19:abc@thread.tacv2; entraRole=19:def@thread.tacv2; *=19:ghi@thread.tacv2"
// Each entry is `<selector>=<channel id>`, entries separated by ';'. A selector is `*` (any request),
// a surface (`entraRole`, `group`, `azureResource`), or a surface and a scope (`<surface>:<scope>`):
// the directory `/` or an administrative unit for Entra roles, a group id for PIM groups, an ARM scope
// (and everything below it) for Azure roles. The most specific entry wins: the longest matching scope,
// then the surface alone, then `*`. Parsed once at startup (bot/config); linear in the text.

import { SURFACES, type Surface } from '../pim/surfaces';

export interface ChannelRoute {
  /** undefined = any surface (`*`). */
  readonly surface?: Surface;
  /** Lower-case scope prefix without a trailing '/' ('' for the directory root); undefined = any scope. */
  readonly scope?: string;
  readonly channelId: string;
}

export type ChannelRoutesResult =
  { readonly ok: true; readonly routes: readonly ChannelRoute[] } | { readonly ok: false; readonly error: string };

/** Teams channel conversation ids: 19:<id>@thread.tacv2 (or the older @thread.skype). */
const CHANNEL_ID = /^19:[^\s;=]+@thread\.(tacv2|skype)$/;
const MAX_ENTRIES = 50;
const MAX_LENGTH = 8_000;

export function isChannelId(value: string): boolean {
  return value.length <= 400 && CHANNEL_ID.test(value);
}

const FORMAT =
  'use entries like "entraRole=19:...@thread.tacv2", "azureResource:/subscriptions/<id>=19:...@thread.tacv2" or "*=19:...@thread.tacv2", separated by ";"';

export function parseChannelRoutes(text: string): ChannelRoutesResult {
  if (text.length > MAX_LENGTH) return { ok: false, error: `is longer than ${MAX_LENGTH} characters` };
  const entries = text
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return { ok: false, error: `is empty; ${FORMAT}` };
  if (entries.length > MAX_ENTRIES) return { ok: false, error: `has more than ${MAX_ENTRIES} entries` };
  const routes: ChannelRoute[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const where = `entry ${i + 1} ("${entry.slice(0, 80)}")`;
    // The channel id holds no '=', so the last '=' splits selector from channel.
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) return { ok: false, error: `${where} has no "<selector>=<channel id>"; ${FORMAT}` };
    const selector = entry.slice(0, eq).trim();
    const channelId = entry.slice(eq + 1).trim();
    if (!isChannelId(channelId))
      return { ok: false, error: `${where}: "${channelId.slice(0, 80)}" is not a Teams channel id like 19:...@thread.tacv2` };
    const route = parseSelector(selector);
    if (typeof route === 'string') return { ok: false, error: `${where}: ${route}` };
    const id = `${route.surface ?? '*'}|${route.scope ?? ''}|${route.scope === undefined ? 'any' : 'scoped'}`;
    if (seen.has(id)) return { ok: false, error: `${where} repeats the selector "${selector}"; each selector may appear once` };
    seen.add(id);
    routes.push({ ...route, channelId });
  }
  return { ok: true, routes };
}

function parseSelector(selector: string): Omit<ChannelRoute, 'channelId'> | string {
  if (selector === '*') return {};
  const colon = selector.indexOf(':');
  const surfaceText = colon < 0 ? selector : selector.slice(0, colon);
  const surface = SURFACES.find((s) => s.toLowerCase() === surfaceText.trim().toLowerCase());
  if (!surface) return `"${surfaceText.slice(0, 40)}" is not "*" or a surface (${SURFACES.join(', ')})`;
  if (colon < 0) return { surface };
  const scope = selector.slice(colon + 1).trim();
  if (scope === '') return `a scope after "${surfaceText}:" is missing`;
  if (/\s/.test(scope)) return `the scope "${scope.slice(0, 80)}" contains a space`;
  if (surface === 'azureResource' && !/^\/(subscriptions|providers)\//i.test(scope) && scope !== '/') {
    return `an Azure scope starts with /subscriptions/ (like /subscriptions/<id>/resourceGroups/<name>), got "${scope.slice(0, 80)}"`;
  }
  return { surface, scope: normalizeScope(scope) };
}

function normalizeScope(scope: string): string {
  let end = scope.length;
  while (end > 0 && scope[end - 1] === '/') end--;
  return scope.slice(0, end).toLowerCase();
}

/** The channel for a request on `surface` at `scopeId`, or undefined when no entry matches. */
export function routeChannel(routes: readonly ChannelRoute[], surface: Surface, scopeId: string): string | undefined {
  const scope = normalizeScope(scopeId);
  let best: { readonly rank: number; readonly channelId: string } | undefined;
  for (const r of routes) {
    let rank: number;
    if (r.surface === undefined) rank = 0;
    else if (r.surface !== surface) continue;
    else if (r.scope === undefined) rank = 1;
    else if (r.scope === '' || scope === r.scope || scope.startsWith(`${r.scope}/`)) rank = 2 + r.scope.length;
    else continue;
    if (!best || rank > best.rank) best = { rank, channelId: r.channelId };
  }
  return best?.channelId;
}

/** The routes `APPROVERS_CHANNEL_ID` (one channel for every request) stands for. */
export function singleChannelRoutes(channelId: string): readonly ChannelRoute[] {
  return [{ channelId }];
}
