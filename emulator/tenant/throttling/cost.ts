// What one Graph request costs against the identity-and-access quotas, from Microsoft's table
// ("Microsoft Graph service-specific throttling limits", Identity and access service limits):
// a base resource-unit cost per path (1 unless listed), a write cost of 1 for every POST, PATCH,
// PUT and DELETE except the read-only actions listed with 0, and query options that move the cost:
// $select -1, $expand +1, $top under 20 -1; never below 1.

export interface RequestCost {
  readonly resourceUnits: number;
  readonly writes: number;
}

interface CostRow {
  readonly method: string;
  /** Matched against the path after /v1.0 or /beta; `me/...` rows also cover `users/{id}/...`. */
  readonly path: RegExp;
  readonly resourceUnits: number;
  readonly writes: number;
}

const ID = '[^/]+';
const ME = `(?:me|users/${ID})`;
const row = (method: string, path: string, resourceUnits: number, writes = 0): CostRow => ({
  method,
  path: new RegExp(`^/${path}$`, 'i'),
  resourceUnits,
  writes,
});

const LISTED: readonly CostRow[] = [
  row('GET', 'applications', 2),
  row('GET', `applications/${ID}/extensionProperties`, 2),
  row('GET', 'contracts', 3),
  row('POST', 'directoryObjects/getByIds', 3),
  row('GET', `domains/${ID}/domainNameReferences`, 4),
  row('POST', 'getObjectsById', 3),
  row('GET', `groups/${ID}/members`, 3),
  row('GET', `groups/${ID}/transitiveMembers`, 5),
  row('POST', 'isMemberOf', 4),
  row('POST', `${ME}/checkMemberGroups`, 4),
  row('POST', `${ME}/checkMemberObjects`, 4),
  row('POST', `${ME}/getMemberGroups`, 2),
  row('POST', `${ME}/getMemberObjects`, 2),
  row('GET', `${ME}/licenseDetails`, 2),
  row('GET', `${ME}/memberOf`, 2),
  row('GET', `${ME}/ownedObjects`, 2),
  row('GET', `${ME}/transitiveMemberOf`, 2),
  row('GET', 'oauth2PermissionGrants', 2),
  row('GET', `oauth2PermissionGrants/${ID}`, 2),
  row('GET', `servicePrincipals/${ID}/appRoleAssignments`, 2),
  row('GET', 'subscribedSkus', 3),
  row('GET', 'users', 2),
];

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** `path` as the server sees it (/v1.0/... or /beta/...); `rawQuery` without '?'. */
export function requestCost(method: string, path: string, rawQuery: string): RequestCost {
  const m = method.toUpperCase();
  const rest = path.replace(/^\/(v1\.0|beta)/, '').replace(/\/$/, '');
  const listed = LISTED.find((r) => r.method === m && r.path.test(rest));
  const base = listed?.resourceUnits ?? 1;
  const writes = listed ? listed.writes : WRITE_METHODS.has(m) ? 1 : 0;
  const query = new URLSearchParams(rawQuery);
  let units = base;
  if (query.has('$select')) units -= 1;
  if (query.has('$expand')) units += 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && Number.isFinite(top) && top < 20) units -= 1;
  return { resourceUnits: Math.max(1, units), writes };
}
