// GET /auditLogs/directoryAudits (v1.0): the PIM entries pim/audit.ts records, with the OData Graph
// documents for this list: $filter (eq, ge, le, startswith), $top, $orderby, paging by @odata.nextLink.
import { DEMO_ROLES } from '../demoTenant';
import type { Router } from '../http/router';
import { entityResponse, listResponse, parseListQuery, type EntityType } from '../odata/collection';
import { activeAssignmentsOf } from '../pim/directory';
import type { DirectoryAuditRecord } from '../pim/audit';
import { recordExpiries, unrecordedExpiries } from '../pim/expiries';
import { requirePermission } from './access';
import type { GraphDeps } from './deps';
import { forbidden, notFound } from './errors';
import { ID, V } from './routes';

const CONTEXT = 'auditLogs/directoryAudits';
const SELECT_TIP =
  'Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET auditLogs/directoryAudits?$select=activityDateTime,activityDisplayName';
export const READ_AUDIT_LOG = ['AuditLog.Read.All', 'Directory.Read.All'];

/**
 * Directory roles whose active holders may read audit logs (Reports Reader, Security Reader, Security
 * Administrator, Global Reader, Global Administrator). Privileged Role Administrator is not among them.
 */
export const AUDIT_READER_ROLES: readonly string[] = [
  DEMO_ROLES.globalAdministrator.id,
  DEMO_ROLES.globalReader.id,
  DEMO_ROLES.securityAdministrator.id,
  '5d6b6bb7-de71-4623-b4af-96380a352509',
  '4a5d8f65-41da-4de4-8968-e035b65339cf',
];

export const directoryAuditType: EntityType<DirectoryAuditRecord> = {
  name: 'directoryAudit',
  filterable: {
    id: 'string',
    category: 'string',
    correlationId: 'string',
    result: 'enum',
    activityDisplayName: 'string',
    activityDateTime: 'datetime',
    loggedByService: 'string',
    operationType: 'string',
    'initiatedBy/user/id': 'string',
    'initiatedBy/user/displayName': 'string',
    'initiatedBy/user/userPrincipalName': 'string',
    'initiatedBy/app/appId': 'string',
    'initiatedBy/app/displayName': 'string',
  },
  toJson: (r) => structuredClone(r) as unknown as Record<string, unknown>,
};

export function registerAuditRoutes(router: Router, deps: GraphDeps): void {
  const entries = () => deps.store.data.directoryAudits ?? [];
  const requireReader = (req: Parameters<typeof requirePermission>[0]) => {
    const p = requirePermission(req, READ_AUDIT_LOG);
    const now = deps.clock.now();
    if (
      p.kind === 'user' &&
      !activeAssignmentsOf(deps.store.data, p.oid, now).some(
        (s) => AUDIT_READER_ROLES.includes(s.roleDefinitionId) && s.directoryScopeId === '/',
      )
    ) {
      throw forbidden('The signed-in user needs an active role that may read audit logs (for example Reports Reader or Security Reader).');
    }
  };
  // Activations that ran out are written when the log is read (pim/expiries.ts), dated when they ended.
  const catchUp = async () => {
    const now = deps.clock.now();
    if (unrecordedExpiries(deps.store.data, now).length > 0) await deps.store.update((d) => recordExpiries(d, now));
  };
  router.add('GET', new RegExp(`${V}/auditLogs/directoryAudits/?$`), async (req) => {
    requireReader(req);
    await catchUp();
    // Graph lists the newest first unless $orderby says otherwise.
    const newestFirst = [...entries()].reverse();
    const query = parseListQuery(req, directoryAuditType);
    const page = listResponse(req, deps, { type: directoryAuditType, contextPath: CONTEXT, query }, newestFirst);
    // Graph adds this hint to audit lists read without $select (Microsoft's example shows it).
    if (query.select === undefined) {
      const { ['@odata.context']: context, ...rest } = page.json as Record<string, unknown>;
      return { ...page, json: { '@odata.context': context, '@microsoft.graph.tips': SELECT_TIP, ...rest } };
    }
    return page;
  });
  router.add('GET', new RegExp(`${V}/auditLogs/directoryAudits/${ID}$`), async (req) => {
    requireReader(req);
    await catchUp();
    const entry = entries().find((e) => e.id === req.params.id);
    if (!entry) throw notFound(`Resource '${req.params.id}' does not exist.`, 'Request_ResourceNotFound');
    return entityResponse(req, deps, directoryAuditType, CONTEXT, entry);
  });
}
