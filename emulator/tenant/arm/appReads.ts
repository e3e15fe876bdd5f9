// What an app-only ARM token may do here: read, within the Azure RBAC roles its service principal holds
// (azure.servicePrincipalRoles; the bot's app is seeded with Reader on Contoso Prod, as an operator grants
// it on each subscription the bot should sweep). Reader allows */read, so:
//   GET /subscriptions                                              (Subscriptions - List, Microsoft.Resources)
//   GET /{scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests[/{name}]
// Anything else an app asks of PIM for Azure resources is refused as ARM refuses a missing role.
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import type { AppPrincipal } from '../identity/principal';
import type { TenantData } from '../state/types';
import type { ArmDeps } from './deps';
import { armError } from './routes';
import { isAtOrAbove, isRelated, normaliseScope } from './scopes';

export const SUBSCRIPTIONS_API_VERSIONS = ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'];

/** Whether the app's service principal holds a role at or above `scope`. */
export function appMayRead(data: Readonly<TenantData>, app: AppPrincipal, scope: string): boolean {
  return (data.azure.servicePrincipalRoles ?? []).some(
    (a) => a.principalId === app.oid && isAtOrAbove(data, a.scope, normaliseScope(scope)),
  );
}

export function appReadRefused(app: AppPrincipal, action: string, scope: string): Error {
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${app.appId}' with object id '${app.oid}' does not have authorization to perform action '${action}' over scope '${scope || '/'}' or the scope is invalid.`,
  );
}

export function registerSubscriptionRoutes(router: Router, deps: ArmDeps): void {
  router.add('GET', /^\/subscriptions\/?$/i, (req) => listSubscriptions(req, deps));
}

function listSubscriptions(req: EmulatorRequest, deps: ArmDeps): EmulatorResponse {
  const version = new URLSearchParams(req.rawQuery).get('api-version');
  if (!version)
    throw armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  if (!SUBSCRIPTIONS_API_VERSIONS.includes(version))
    throw armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${SUBSCRIPTIONS_API_VERSIONS.join(',')}'.`,
    );
  const p = req.principal;
  if (!p) throw new Error('ARM handler reached without an authenticated principal');
  const data = deps.store.data;
  // A subscription is listed to whoever holds a role on it, above it or below it.
  const holds = (scope: string): boolean =>
    p.kind === 'app'
      ? (data.azure.servicePrincipalRoles ?? []).some((a) => a.principalId === p.oid && isRelated(data, a.scope, scope))
      : [...data.azure.eligibilities, ...(data.azure.assignments ?? [])].some(
          (e) => e.principalId === p.oid && isRelated(data, e.scope, scope),
        );
  const value = data.azure.scopes
    .filter((s) => s.type === 'subscription' && holds(s.id))
    .map((s) => ({
      id: s.id,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: s.id.split('/').pop(),
      tenantId: data.tenantId,
      displayName: s.displayName,
      state: 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    }));
  return { status: 200, json: { value, count: { type: 'Total', value: value.length } } };
}
