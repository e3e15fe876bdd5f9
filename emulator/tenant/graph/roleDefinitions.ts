import type { Router } from '../http/router';
import { entityResponse, listResponse } from '../odata/collection';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { notFound } from './errors';
import { ID, RM } from './routes';

const CONTEXT = 'roleManagement/directory/roleDefinitions';

// Role definitions are directory metadata every signed-in caller may read.
export function registerRoleDefinitionRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  router.add('GET', new RegExp(`${RM}/roleDefinitions/?$`), (req) =>
    listResponse(req, deps, { type: types.roleDefinition, contextPath: CONTEXT }, deps.store.data.roleDefinitions),
  );
  router.add('GET', new RegExp(`${RM}/roleDefinitions/${ID}$`), (req) => {
    const id = req.params.id!.toLowerCase();
    const role = deps.store.data.roleDefinitions.find((r) => r.id.toLowerCase() === id || r.templateId.toLowerCase() === id);
    if (!role) throw notFound(`The role definition '${req.params.id}' was not found.`, 'Request_ResourceNotFound');
    return entityResponse(req, deps, types.roleDefinition, CONTEXT, role);
  });
}
