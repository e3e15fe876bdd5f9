// ARM scopes: parsing, the hierarchy (management group > subscription > resource group > resource)
// and the readable names ARM puts in expandedProperties.scope.
import type { AzureScopeRecord, TenantData } from '../state/types';

export type ScopeType = AzureScopeRecord['type'] | 'tenant';

/** '/subscriptions/X' whatever the client sent: no trailing slash, the Microsoft.Subscription alias dropped, '' for the tenant root. */
export function normaliseScope(raw: string): string {
  let s = raw.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  s = s.replace(/^\/providers\/Microsoft\.Subscription(?=\/subscriptions\/)/i, '');
  return s === '/' ? '' : s;
}

export function sameScope(a: string, b: string): boolean {
  return normaliseScope(a).toLowerCase() === normaliseScope(b).toLowerCase();
}

/** Every scope above `scope` and the scope itself, outermost first (the tenant root is ''). */
export function ancestorsOrSelf(data: Readonly<TenantData>, scope: string): string[] {
  const s = normaliseScope(scope);
  const out = [''];
  if (s === '') return out;
  if (/^\/subscriptions\//i.test(s)) {
    // The demo tenant's subscriptions all sit under its management groups.
    out.push(...data.azure.scopes.filter((x) => x.type === 'managementgroup').map((x) => x.id));
    const parts = s.split('/').filter(Boolean);
    for (let i = 2; i <= parts.length; i += 2) out.push(`/${parts.slice(0, i).join('/')}`);
    // A resource's id has provider segments of odd length (providers/NS/type/name): keep the full id.
    if (!out.some((x) => sameScope(x, s))) out.push(s);
    return out;
  }
  out.push(s);
  return out;
}

export function isAtOrAbove(data: Readonly<TenantData>, candidate: string, scope: string): boolean {
  return ancestorsOrSelf(data, scope).some((a) => sameScope(a, candidate));
}

/** ARM lists what applies at a scope: assignments at, above and below it. */
export function isRelated(data: Readonly<TenantData>, recordScope: string, scope: string): boolean {
  return isAtOrAbove(data, recordScope, scope) || isAtOrAbove(data, scope, recordScope);
}

export function scopeType(scope: string): ScopeType {
  const s = normaliseScope(scope);
  if (s === '') return 'tenant';
  if (/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(s)) return 'managementgroup';
  if (/^\/subscriptions\/[^/]+$/i.test(s)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(s)) return 'resourcegroup';
  return 'resource';
}

export function scopeJson(data: Readonly<TenantData>, scope: string): { id: string; displayName: string; type: string } {
  const known = data.azure.scopes.find((x) => sameScope(x.id, scope));
  const s = normaliseScope(scope);
  return {
    id: known?.id ?? s,
    displayName: known?.displayName ?? (s.split('/').pop() || 'Tenant Root'),
    type: known?.type ?? scopeType(s),
  };
}

/** Built-in role definitions are named by GUID at every scope; compare on that. */
export function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? roleDefinitionId).toLowerCase();
}

/** The role definition id as ARM writes it at a scope: subscription-qualified below a subscription. */
export function roleDefinitionIdAt(scope: string, guid: string): string {
  const sub = /^\/subscriptions\/[^/]+/i.exec(normaliseScope(scope))?.[0];
  return `${sub ?? ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}
