// Users and groups: who is who, and who sits in an approver group.
import type { Router } from '../http/router';
import { entityResponse, listResponse } from '../odata/collection';
import { COLLECTION_OPTIONS } from '../odata/query';
import { READ_GROUPS, READ_USERS, requirePermission, requireUser } from './access';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { notFound } from './errors';
import { ID, V } from './routes';

export function registerDirectoryObjectRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  const data = () => deps.store.data;
  const missing = (id: string) =>
    notFound(
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      'Request_ResourceNotFound',
    );

  router.add('GET', new RegExp(`${V}/users/?$`), (req) => {
    requirePermission(req, READ_USERS);
    return listResponse(req, deps, { type: types.user, contextPath: 'users' }, data().users);
  });
  router.add('GET', new RegExp(`${V}/users/${ID}$`), (req) => {
    requirePermission(req, READ_USERS);
    const key = req.params.id!.toLowerCase();
    // Graph addresses users by object id or user principal name.
    const u = data().users.find((x) => x.id.toLowerCase() === key || x.userPrincipalName.toLowerCase() === key);
    if (!u) throw missing(req.params.id!);
    return entityResponse(req, deps, types.user, 'users', u);
  });
  router.add('GET', new RegExp(`${V}/me$`), (req) => {
    const me = requireUser(req, '/me request');
    const u = data().users.find((x) => x.id === me.oid);
    if (!u) throw missing(me.oid);
    return entityResponse(req, deps, types.user, 'users', u);
  });
  router.add('GET', new RegExp(`${V}/groups/?$`), (req) => {
    requirePermission(req, READ_GROUPS);
    return listResponse(req, deps, { type: types.group, contextPath: 'groups' }, data().groups);
  });
  router.add('GET', new RegExp(`${V}/groups/${ID}$`), (req) => {
    requirePermission(req, READ_GROUPS);
    const g = data().groups.find((x) => x.id.toLowerCase() === req.params.id!.toLowerCase());
    if (!g) throw missing(req.params.id!);
    return entityResponse(req, deps, types.group, 'groups', g);
  });
  router.add('GET', new RegExp(`${V}/groups/${ID}/members/?$`), (req) => {
    requirePermission(req, READ_GROUPS);
    const g = data().groups.find((x) => x.id.toLowerCase() === req.params.id!.toLowerCase());
    if (!g) throw missing(req.params.id!);
    const members = g.members.map((m) => data().users.find((u) => u.id === m)).filter((u) => u !== undefined);
    const page = listResponse(req, deps, { type: types.user, contextPath: 'directoryObjects', allowed: COLLECTION_OPTIONS }, members);
    // Members are directoryObjects: each carries its concrete type.
    const body = page.json as { value: Record<string, unknown>[] };
    body.value = body.value.map((v) => ({ '@odata.type': '#microsoft.graph.user', ...v }));
    return page;
  });
}
