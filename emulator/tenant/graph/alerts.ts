// PIM alerts for directory roles (Graph beta /identityGovernance/roleManagementAlerts): list with $expand,
// incidents with $top and @odata.nextLink, refresh (all or one) → 202 + Location of an operation.
import { randomUUID } from 'node:crypto';
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import { entityResponse, listResponse, parseListQuery, type EntityType, type Json } from '../odata/collection';
import { requiredEqualities } from '../odata/evaluate';
import { ENTITY_OPTIONS, parseQuery } from '../odata/query';
import { requireTenantWideRead } from './access';
import { ALERT_DEFINITIONS, alertId, type AlertDefinitionSeed, type AlertName } from './alertsCatalog';
import { scanAlerts, type AlertOperationRecord, type AlertScanRecord, type IncidentRecord } from './alertsScan';
import type { GraphDeps } from './deps';
import { badRequest, notFound } from './errors';
import { jsonObjectBody } from './requestBody';

const BASE = '^/beta/identityGovernance/roleManagementAlerts';
const ALERT_ID = '(?<id>[^/()]+)';
export const READ_ALERTS = ['RoleManagementAlert.Read.Directory', 'RoleManagementAlert.ReadWrite.Directory'];
export const WRITE_ALERTS = ['RoleManagementAlert.ReadWrite.Directory'];

interface AlertView {
  readonly def: AlertDefinitionSeed;
  readonly scan: AlertScanRecord;
}

export function registerAlertRoutes(router: Router, deps: GraphDeps): void {
  const tenantId = () => deps.store.data.tenantId;
  const scope = { scopeId: '/', scopeType: 'DirectoryRole' } as const;

  const definitionJson = (def: AlertDefinitionSeed): Json => ({
    id: alertId(tenantId(), def.name),
    displayName: def.displayName,
    scopeType: scope.scopeType,
    scopeId: scope.scopeId,
    description: def.description,
    severityLevel: def.severityLevel,
    securityImpact: def.securityImpact,
    mitigationSteps: def.mitigationSteps,
    howToPrevent: def.howToPrevent,
    isRemediatable: def.isRemediatable,
    isConfigurable: def.isConfigurable,
  });
  const configurationJson = (def: AlertDefinitionSeed): Json => ({
    '@odata.type': `#microsoft.graph.${def.typeStem}AlertConfiguration`,
    id: alertId(tenantId(), def.name),
    alertDefinitionId: alertId(tenantId(), def.name),
    scopeType: scope.scopeType,
    scopeId: scope.scopeId,
    isEnabled: true,
    ...def.settings,
  });
  const incidentType: EntityType<IncidentRecord> = {
    name: 'unifiedRoleManagementAlertIncident',
    filterable: { id: 'string' },
    toJson: (i) => structuredClone(i),
  };
  const alertType: EntityType<AlertView> = {
    name: 'unifiedRoleManagementAlert',
    filterable: {
      id: 'string',
      scopeId: 'string',
      scopeType: 'string',
      alertDefinitionId: 'string',
      isActive: 'boolean',
      incidentCount: 'number',
    },
    toJson: ({ def, scan }) => ({
      id: alertId(tenantId(), def.name),
      alertDefinitionId: alertId(tenantId(), def.name),
      scopeId: scope.scopeId,
      scopeType: scope.scopeType,
      incidentCount: scan.incidents.length,
      isActive: scan.incidents.length > 0,
      lastModifiedDateTime: scan.lastModifiedDateTime,
      lastScannedDateTime: scan.lastScannedDateTime,
    }),
    navigation: {
      alertDefinition: ({ def }) => definitionJson(def),
      alertConfiguration: ({ def }) => configurationJson(def),
      alertIncidents: ({ scan }) => scan.incidents.map((i) => structuredClone(i)),
    },
  };

  /** The last scan of every alert; the very first read scans (PIM scans a tenant when PIM is first used). */
  const views = async (): Promise<AlertView[]> => {
    if (!deps.store.data.roleManagementAlerts) await deps.store.update((d) => scanAlerts(d, deps.clock.now()));
    const state = deps.store.data.roleManagementAlerts!;
    return ALERT_DEFINITIONS.flatMap((def) => {
      const scan = state.alerts[def.name];
      return scan ? [{ def, scan }] : [];
    });
  };
  const findAlert = async (id: string): Promise<AlertView> => {
    const found = (await views()).find((v) => alertId(tenantId(), v.def.name).toLowerCase() === id.toLowerCase());
    if (!found) throw notFound(`The alert '${id}' was not found.`, 'ResourceNotFound');
    return found;
  };
  const readAccess = (req: EmulatorRequest) => requireTenantWideRead(req, deps, READ_ALERTS);
  // Users need an active PIM administrator role; apps need the permission only.
  const writeAccess = (req: EmulatorRequest) => requireTenantWideRead(req, deps, WRITE_ALERTS);
  /** Alerts exist for scope '/' and type DirectoryRole only; the filter must say so, as in Graph. */
  const requireDirectoryScope = (scopeId: unknown, scopeType: unknown) => {
    if (scopeId !== '/' || typeof scopeType !== 'string' || scopeType.toLowerCase() !== 'directoryrole') {
      throw badRequest("Only scopeId '/' with scopeType 'DirectoryRole' is supported for role management alerts.");
    }
  };

  router.add('GET', new RegExp(`${BASE}/alerts/?$`), async (req) => {
    readAccess(req);
    const query = parseListQuery(req, alertType);
    const eq = requiredEqualities(query.filter, alertType.filterable, alertType.name);
    requireDirectoryScope(eq.get('scopeId'), eq.get('scopeType'));
    const page = listResponse(
      req,
      deps,
      { type: alertType, contextPath: 'identityGovernance/roleManagementAlerts/alerts', query },
      await views(),
    );
    annotateIncidentContexts(deps.baseUrl, page.json as { value: Json[] });
    return page;
  });

  router.add('GET', new RegExp(`${BASE}/alerts/${ALERT_ID}$`), async (req) => {
    readAccess(req);
    const view = await findAlert(req.params.id!);
    const page = entityResponse(req, deps, alertType, 'identityGovernance/roleManagementAlerts/alerts', view);
    annotateIncidentContexts(deps.baseUrl, { value: [page.json as Json] });
    return page;
  });

  router.add('GET', new RegExp(`${BASE}/alerts/${ALERT_ID}/alertIncidents/?$`), async (req) => {
    readAccess(req);
    const view = await findAlert(req.params.id!);
    const id = alertId(tenantId(), view.def.name);
    return listResponse(
      req,
      deps,
      { type: incidentType, contextPath: `identityGovernance/roleManagementAlerts/alerts('${id}')/alertIncidents` },
      view.scan.incidents,
    );
  });

  const refresh = async (only?: AlertName): Promise<{ status: number; headers: Record<string, string> }> => {
    const now = deps.clock.now();
    const operation: AlertOperationRecord = {
      id: randomUUID(),
      createdDateTime: now.toISOString(),
      lastActionDateTime: now.toISOString(),
      resourceLocation: `${deps.baseUrl}/beta/identityGovernance/roleManagementAlerts/alerts${only ? `/${alertId(tenantId(), only)}` : ''}`,
      // The scan is quick here, so the operation has finished by the time the caller polls it.
      status: 'succeeded',
      statusDetail: null,
    };
    await deps.store.update((d) => {
      const state = scanAlerts(d, now, only ? [only] : undefined);
      state.operations.push(operation);
      if (state.operations.length > 100) state.operations.splice(0, state.operations.length - 100);
    });
    return {
      status: 202,
      headers: { location: `${deps.baseUrl}/beta/identityGovernance/roleManagementAlerts/operations/${operation.id}` },
    };
  };

  router.add('POST', new RegExp(`${BASE}/alerts/refresh$`), async (req) => {
    writeAccess(req);
    parseQuery(req.rawQuery, []);
    const body = jsonObjectBody(req);
    requireDirectoryScope(body.scopeId, body.scopeType);
    return refresh();
  });

  router.add('POST', new RegExp(`${BASE}/alerts/${ALERT_ID}/refresh$`), async (req) => {
    writeAccess(req);
    parseQuery(req.rawQuery, []);
    if (req.body.length > 0 && req.body.toString('utf8').trim() !== '')
      throw badRequest('Refreshing a single alert takes no request body.');
    const view = await findAlert(req.params.id!);
    return refresh(view.def.name);
  });

  router.add('GET', new RegExp(`${BASE}/operations/(?<opId>[^/()]+)$`), (req) => {
    readAccess(req);
    parseQuery(req.rawQuery, ENTITY_OPTIONS);
    const op = deps.store.data.roleManagementAlerts?.operations.find((o) => o.id === req.params.opId);
    if (!op) throw notFound(`The operation '${req.params.opId}' was not found.`, 'ResourceNotFound');
    return {
      status: 200,
      json: { '@odata.context': `${deps.baseUrl}/beta/$metadata#identityGovernance/roleManagementAlerts/operations/$entity`, ...op },
    };
  });
}

/** Graph annotates each expanded incident collection with its own @odata.context. */
function annotateIncidentContexts(baseUrl: string, body: { value: Json[] }): void {
  for (const alert of body.value) {
    if (!Array.isArray(alert.alertIncidents)) continue;
    const incidents = alert.alertIncidents;
    delete alert.alertIncidents;
    alert['alertIncidents@odata.context'] =
      `${baseUrl}/beta/$metadata#identityGovernance/roleManagementAlerts/alerts('${String(alert.id)}')/alertIncidents`;
    alert.alertIncidents = incidents;
  }
}
