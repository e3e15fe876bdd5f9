// The emulator's Teams app installations in a user's personal scope (what the bot uses to reach an
// approver who never opened it), in the shapes of Microsoft's "Install app for user" and "List apps
// installed for user" pages: 201 without a body, 409 when installed, 403 without the permission.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_USERS, LOCAL_BOT_APP, LOCAL_TEAMS_APP } from '../../../emulator/tenant/demoTenant';
import { OTHER_CATALOG_APP } from '../../../emulator/tenant/graph/teamsApps';
import { GraphAppInstaller } from '../../../services/approvals/graphAppInstaller';
import { ClientCredentialsAppTokenProvider } from '../../../services/identity/clientCredentialsAppTokenProvider';
import { MsalTokenClient } from '../../../services/identity/msalTokenClient';
import { GraphApi } from '../../../services/pim/graph/graphApi';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { call } from '../emulator/http';

const BIND = `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${LOCAL_TEAMS_APP.catalogId}`;
const installed = (userId: string) => `/v1.0/users/${userId}/teamwork/installedApps`;

describe('emulator: Teams app installations for users (Graph v1.0)', function () {
  this.timeout(20_000);
  let t: TenantEmulator;
  let app: string;

  before(async () => {
    t = await startTestTenant();
    const r = await fetch(`${t.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.botApp.clientId,
        client_secret: t.botApp.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    app = ((await r.json()) as { access_token: string }).access_token;
  });
  after(() => t.close());
  beforeEach(() => t.reset());

  it('installs with the application permission (201, no body), records it, and answers 409 the second time', async () => {
    const first = await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: app, body: { 'teamsApp@odata.bind': BIND } });
    assert.equal(first.status, 201);
    assert.equal(first.json, null, 'no body');
    assert.deepEqual(
      t.state.data.teamsAppInstallations?.map((x) => [x.userId, x.teamsAppId]),
      [[DEMO_USERS.dave.id, LOCAL_TEAMS_APP.catalogId]],
    );
    const again = await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: app, body: { 'teamsApp@odata.bind': BIND } });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'Conflict');
    assert.equal(t.state.data.teamsAppInstallations?.length, 1);
  });

  it("lists a user's installations with $expand=teamsApp and $filter=teamsApp/id eq '{id}'", async () => {
    await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: app, body: { 'teamsApp@odata.bind': BIND } });
    const query = (id: string) => `${installed(DEMO_USERS.dave.id)}?$expand=teamsApp&$filter=teamsApp/id eq '${id}'`;
    const found = await call(t, 'GET', query(LOCAL_TEAMS_APP.catalogId), { token: app });
    assert.equal(found.status, 200, JSON.stringify(found.json));
    assert.equal(found.json.value.length, 1);
    const [item] = found.json.value;
    assert.equal(
      Buffer.from(item.id, 'base64').toString('utf8'),
      `${DEMO_USERS.dave.id}##${LOCAL_TEAMS_APP.catalogId}`,
      "Graph's installation id",
    );
    assert.deepEqual(item.teamsApp, {
      id: LOCAL_TEAMS_APP.catalogId,
      externalId: LOCAL_BOT_APP.clientId,
      displayName: LOCAL_TEAMS_APP.displayName,
      distributionMethod: 'organization',
    });
    assert.equal((await call(t, 'GET', query('00000000-0000-4000-8000-000000000000'), { token: app })).json.value.length, 0);
    assert.equal(
      (await call(t, 'GET', `${installed(DEMO_USERS.bob.id)}?$expand=teamsApp`, { token: app })).json.value.length,
      0,
      'nothing for Bob',
    );
    const definition = await call(
      t,
      'GET',
      `${installed(DEMO_USERS.dave.id)}?$expand=teamsAppDefinition&$filter=teamsApp/externalId eq '${LOCAL_BOT_APP.clientId}'`,
      { token: app },
    );
    assert.equal(definition.json.value[0].teamsAppDefinition.azureADAppId, LOCAL_BOT_APP.clientId);
    assert.equal((await call(t, 'GET', `${installed(DEMO_USERS.dave.id)}?$filter=teamsApp/nope eq 'x'`, { token: app })).status, 400);
  });

  it('refuses without the permission (403), a bad bind (400), an unknown app or user (404), and delegated installs for others', async () => {
    const body = { 'teamsApp@odata.bind': BIND };
    const bob = t.tokens.user({ userId: DEMO_USERS.bob.id });
    assert.equal(
      (await call(t, 'POST', installed(DEMO_USERS.bob.id), { token: bob, body })).status,
      403,
      'a token without TeamsAppInstallation permission',
    );
    assert.equal((await call(t, 'GET', installed(DEMO_USERS.bob.id), { token: bob })).status, 403);
    assert.equal((await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: app, body: {} })).status, 400);
    assert.equal(
      (
        await call(t, 'POST', installed(DEMO_USERS.dave.id), {
          token: app,
          body: { 'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/teams/x' },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await call(t, 'POST', installed(DEMO_USERS.dave.id), {
          token: app,
          body: { 'teamsApp@odata.bind': BIND.replace(LOCAL_TEAMS_APP.catalogId, '00000000-0000-4000-8000-000000000000') },
        })
      ).status,
      404,
    );
    assert.equal((await call(t, 'POST', installed('00000000-0000-4000-8000-000000000000'), { token: app, body })).status, 404);
    const bobMay = t.tokens.user({ userId: DEMO_USERS.bob.id, scp: 'TeamsAppInstallation.ReadWriteForUser' });
    assert.equal(
      (await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: bobMay, body })).status,
      403,
      'delegated: only for the signed-in user',
    );
    const bobSelf = t.tokens.user({ userId: DEMO_USERS.bob.id, scp: 'TeamsAppInstallation.ReadWriteSelfForUser' });
    assert.equal(
      (await call(t, 'POST', installed(DEMO_USERS.bob.id), { token: bobSelf, body })).status,
      201,
      'Self: the calling app (the bot, on behalf of Bob) installs itself',
    );
    assert.equal((await call(t, 'POST', installed(DEMO_USERS.bob.id), { token: bobMay, body })).status, 409);
    assert.deepEqual(
      t.state.data.teamsAppInstallations?.map((x) => x.userId),
      [DEMO_USERS.bob.id],
    );
  });

  it("the bot's app token holds TeamsAppInstallation.ReadWriteSelfForUser.All only: it installs itself, never another app (403)", async () => {
    const roles = (JSON.parse(Buffer.from(app.split('.')[1]!, 'base64url').toString('utf8')) as { roles: string[] }).roles.filter((r) =>
      r.startsWith('TeamsAppInstallation.'),
    );
    assert.deepEqual(roles, ['TeamsAppInstallation.ReadWriteSelfForUser.All']);
    const other = await call(t, 'POST', installed(DEMO_USERS.dave.id), {
      token: app,
      body: { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${OTHER_CATALOG_APP.id}` },
    });
    assert.equal(other.status, 403, 'another app of the catalog');
    assert.equal(
      (await call(t, 'POST', installed(DEMO_USERS.dave.id), { token: app, body: { 'teamsApp@odata.bind': BIND } })).status,
      201,
      'its own app',
    );
    assert.deepEqual(
      t.state.data.teamsAppInstallations?.map((x) => x.teamsAppId),
      [LOCAL_TEAMS_APP.catalogId],
    );
  });

  it('GraphAppInstaller (real msal-node and Graph client, app token): installed, then alreadyInstalled on 409; no second POST while remembered', async () => {
    const msal = new MsalTokenClient({
      clientId: t.botApp.clientId,
      clientSecret: t.botApp.clientSecret,
      authority: t.authority,
      knownAuthorities: [t.knownAuthority],
    });
    const installerIn = () =>
      new GraphAppInstaller(new GraphApi({ baseUrl: t.url }), new ClientCredentialsAppTokenProvider(msal), {
        catalogAppId: LOCAL_TEAMS_APP.catalogId,
        graphBaseUrl: t.url,
      });
    const installer = installerIn();
    const posts = () => t.requestLog.entries().filter((e) => e.method === 'POST' && /teamwork\/installedApps$/.test(e.path)).length;
    const before = posts();
    assert.equal(await installer.installForUser(DEMO_USERS.dave.id), 'installed');
    assert.equal(await installer.installForUser(DEMO_USERS.dave.id), 'installed', 'the answer it remembers');
    assert.equal(posts() - before, 1, 'one write to Graph for both');
    // Another process (or this one once the answer has lapsed) asks Graph again and gets 409.
    assert.equal(await installerIn().installForUser(DEMO_USERS.dave.id), 'alreadyInstalled');
    assert.equal(posts() - before, 2);
    await assert.rejects(installer.installForUser("x' or 1 eq 1"), /not a GUID/);
    assert.deepEqual(
      t.state.data.teamsAppInstallations?.map((x) => x.userId),
      [DEMO_USERS.dave.id],
    );
  });
});
