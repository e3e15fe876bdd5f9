// Teams apps in users' personal scope, as the bot installs itself for an approver it cannot reach yet:
//   POST /users/{id}/teamwork/installedApps {"teamsApp@odata.bind": ".../appCatalogs/teamsApps/{catalog id}"}
//        → 201 without a body; 409 when already installed; 403 without TeamsAppInstallation permission
//   GET  /users/{id}/teamwork/installedApps[?$expand=teamsApp,teamsAppDefinition&$filter=teamsApp/id eq '{id}']
// The catalog holds the local bot's app (LOCAL_TEAMS_APP). The installation id is Graph's: base64 of
// "{user id}##{teams app id}". Installing sends no installationUpdate here: the channel is not the tenant.
import { LOCAL_BOT_APP, LOCAL_TEAMS_APP } from '../demoTenant';
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import { hasAnyPermission, type Principal } from '../identity/principal';
import { listResponse, parseListQuery, shapeEntity, type EntityType, type Json } from '../odata/collection';
import { evaluateFilter } from '../odata/evaluate';
import type { ExpandItem } from '../odata/query';
import type { TenantData, UserRecord } from '../state/types';
import { requirePermission } from './access';
import type { GraphDeps } from './deps';
import { badRequest, forbidden, GraphError, notFound } from './errors';
import { jsonObjectBody } from './requestBody';
import { ID, V } from './routes';

export interface TeamsAppInstallationRecord {
  id: string;
  userId: string;
  teamsAppId: string;
  installedDateTime: string;
}

interface CatalogApp {
  readonly id: string;
  readonly externalId: string;
  readonly displayName: string;
  readonly version: string;
  /** The app registration of the app's bot (what "Self" permissions compare with the caller). */
  readonly azureADAppId: string;
}

/** Another organization app in the catalog: what the bot's "Self" permission must not be able to install. */
export const OTHER_CATALOG_APP = {
  id: 'a9900000-0000-4000-8000-0000000000b0',
  azureADAppId: 'b0b0a990-0000-4000-8000-0000000000b0',
} as const;

const CATALOG: readonly CatalogApp[] = [
  {
    id: LOCAL_TEAMS_APP.catalogId,
    externalId: LOCAL_TEAMS_APP.externalId,
    displayName: LOCAL_TEAMS_APP.displayName,
    version: '1.0.0',
    azureADAppId: LOCAL_BOT_APP.clientId,
  },
  {
    id: OTHER_CATALOG_APP.id,
    externalId: OTHER_CATALOG_APP.azureADAppId,
    displayName: 'Contoso Expenses',
    version: '2.1.0',
    azureADAppId: OTHER_CATALOG_APP.azureADAppId,
  },
];

// Least privileged first; the "Self" ones only cover the calling app's own Teams app.
const INSTALL_ANY = ['TeamsAppInstallation.ReadWriteForUser.All', 'TeamsAppInstallation.ReadWriteForUser'];
const INSTALL_SELF = ['TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadWriteSelfForUser'];
const READ = ['TeamsAppInstallation.ReadForUser.All', 'TeamsAppInstallation.ReadForUser', ...INSTALL_SELF, ...INSTALL_ANY];

const BIND = /^\/(?:v1\.0|beta)\/appCatalogs\/teamsApps\/(?<id>[^/?#]+)$/i;

export function registerTeamsAppRoutes(router: Router, deps: GraphDeps): void {
  const types = installationType();
  const path = new RegExp(`${V}/users/${ID}/teamwork/installedApps/?$`);

  router.add('POST', path, async (req) => {
    const p = requirePermission(req, [...INSTALL_SELF, ...INSTALL_ANY]);
    const user = targetUser(req, deps.store.data, p);
    const app = boundApp(jsonObjectBody(req));
    if (!hasAnyPermission(p, INSTALL_ANY) && app.azureADAppId !== p.appId) {
      throw forbidden('TeamsAppInstallation.ReadWriteSelfForUser only allows an app to install itself.');
    }
    const id = installationId(user.id, app.id);
    await deps.store.update((d) => {
      const installed = (d.teamsAppInstallations ??= []);
      if (installed.some((x) => x.id === id))
        throw new GraphError(409, 'Conflict', `The app '${app.id}' is already installed for the user '${user.id}'.`);
      installed.push({ id, userId: user.id, teamsAppId: app.id, installedDateTime: deps.clock.now().toISOString() });
    });
    return { status: 201 };
  });

  router.add('GET', path, (req) => {
    const p = requirePermission(req, READ);
    const user = targetUser(req, deps.store.data, p);
    const q = parseListQuery(req, types);
    // The filter may reach into the navigation properties (teamsApp/id), so it runs on the expanded form.
    const rows = (deps.store.data.teamsAppInstallations ?? [])
      .filter((x) => x.userId === user.id)
      .filter(
        (x) =>
          !q.filter ||
          evaluateFilter(
            q.filter,
            { ...types.toJson(x), teamsApp: teamsAppJson(appOf(x)), teamsAppDefinition: definitionJson(appOf(x)) },
            types.filterable,
            types.name,
          ),
      );
    return listResponse(
      req,
      deps,
      { type: types, contextPath: `users('${user.id}')/teamwork/installedApps`, query: { ...q, filter: undefined } },
      rows,
    );
  });
}

/** Delegated callers act for themselves only; apps with the permission for anyone in the tenant. */
function targetUser(req: EmulatorRequest, data: Readonly<TenantData>, p: Principal): UserRecord {
  const key = req.params.id!.toLowerCase();
  const user = data.users.find((u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key);
  if (!user)
    throw notFound(
      `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
      'Request_ResourceNotFound',
    );
  if (p.kind === 'user' && p.oid !== user.id)
    throw forbidden('A delegated caller can only manage the apps installed for the signed-in user.');
  return user;
}

function boundApp(body: Record<string, unknown>): CatalogApp {
  const bind = body['teamsApp@odata.bind'];
  if (typeof bind !== 'string') throw badRequest("The request must bind 'teamsApp@odata.bind' to an app in the catalog.");
  let path: string;
  try {
    path = new URL(bind).pathname;
  } catch {
    throw badRequest(`'${bind}' is not a valid URL for 'teamsApp@odata.bind'.`);
  }
  const id = BIND.exec(path)?.groups?.['id'];
  if (!id) throw badRequest(`'${bind}' does not address an app in the catalog (appCatalogs/teamsApps/{id}).`);
  const app = CATALOG.find((a) => a.id.toLowerCase() === decodeURIComponent(id).toLowerCase());
  if (!app) throw notFound(`The app '${decodeURIComponent(id)}' was not found in the app catalog.`);
  return app;
}

function installationId(userId: string, teamsAppId: string): string {
  return Buffer.from(`${userId}##${teamsAppId}`, 'utf8').toString('base64');
}

function appOf(x: TeamsAppInstallationRecord): CatalogApp {
  return CATALOG.find((a) => a.id === x.teamsAppId)!;
}

function teamsAppJson(a: CatalogApp): Json {
  return { id: a.id, externalId: a.externalId, displayName: a.displayName, distributionMethod: 'organization' };
}

function definitionJson(a: CatalogApp): Json {
  return {
    id: Buffer.from(`${a.id}##${a.version}`, 'utf8').toString('base64'),
    teamsAppId: a.id,
    azureADAppId: a.azureADAppId,
    displayName: a.displayName,
    version: a.version,
    publishingState: 'published',
  };
}

function installationType(): EntityType<TeamsAppInstallationRecord> {
  const nested = (name: string, json: Json, item: ExpandItem): Json =>
    shapeEntity({ name, filterable: {}, toJson: () => json }, null, item.select, item.expand);
  return {
    name: 'userScopeTeamsAppInstallation',
    filterable: {
      id: 'string',
      'teamsApp/id': 'string',
      'teamsApp/externalId': 'string',
      'teamsApp/displayName': 'string',
      'teamsAppDefinition/teamsAppId': 'string',
    },
    toJson: (x) => ({ id: x.id }),
    navigation: {
      teamsApp: (x, item) => nested('teamsApp', teamsAppJson(appOf(x)), item),
      teamsAppDefinition: (x, item) => nested('teamsAppDefinition', definitionJson(appOf(x)), item),
    },
  };
}
