// Teams sends a user's signin/tokenExchange once per Teams client, with the same exchange id; behind
// a load balancer they reach different bot instances. Two production bots (real Bot Framework JWT
// validation against the stand-in issuer) share one Azurite: the create-only write lets exactly one
// exchange reach the token service; the other gets Teams' duplicate answer (200, nothing else).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { loadConfig, type BotConfig } from '../../../bot/config';
import { createJsonLogger } from '../../../bot/logging';
import { createBotApp, type BotApp } from '../../../bot/server';
import { SIGNED_IN_TEXT } from '../../../bot/signIn';
import { createStateStorage } from '../../../services/store/stateStorage';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { useAzurite } from '../../support/azurite';
import { startBotTokenService, type BotTokenService } from '../../support/botTokenService';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

const ALICE = { id: '29:alice-teams-id', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };

describe('Teams SSO token exchange across two bot instances sharing one Azurite (no stubs)', function () {
  this.timeout(60_000);
  const azurite = useAzurite('sso-exchange');
  let tenant: Awaited<ReturnType<typeof startTestTenant>>;
  let connector: RecordingConnector;
  let tokenService: BotTokenService;
  const apps: BotApp[] = [];
  const endpoints: string[] = [];

  before(async () => {
    [tenant, connector, tokenService] = await Promise.all([startTestTenant(), startRecordingConnector(), startBotTokenService('sso')]);
    const appId = tenant.botApp.clientId;
    const loaded = loadConfig({
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: tenant.tenantId,
      MicrosoftAppPassword: tenant.botApp.clientSecret,
      SSO_APP_ID_URI: `api://botid-${appId}`,
      STORAGE_CONNECTION_STRING: azurite().connectionString,
      TOKEN_CACHE_KEY: Buffer.alloc(32, 7).toString('base64'),
      PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
    });
    const config: BotConfig = {
      ...loaded,
      storage: { ...loaded.storage, container: `state-${randomUUID().slice(0, 8)}` },
      services: {
        ...loaded.services,
        authority: tenant.authority,
        knownAuthorities: [tenant.knownAuthority],
        graphBaseUrl: tenant.url,
        armBaseUrl: tenant.url,
      },
    };
    for (let i = 0; i < 2; i++) {
      // Each instance has its own storage client, as two processes would.
      const app = createBotApp(config, {
        storage: createStateStorage(config.storage),
        logger: createJsonLogger(() => undefined),
        channelAuth: { openIdMetadataUrl: tenant.botFramework.openIdMetadataUrl, oauthUrl: tokenService.url },
      });
      apps.push(app);
      const { port } = await app.listen(0, '127.0.0.1');
      endpoints.push(`http://127.0.0.1:${port}/api/messages`);
    }
  });

  after(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all([tenant?.close(), connector?.close(), tokenService?.close()]);
  });

  function exchange(endpoint: string, id: string, token: string): Promise<Response> {
    const body = {
      type: 'invoke',
      name: 'signin/tokenExchange',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: 'a:alice-1on1', conversationType: 'personal', tenantId: tenant.tenantId },
      channelData: { tenant: { id: tenant.tenantId } },
      from: ALICE,
      recipient: { id: `28:${tenant.botApp.clientId}`, name: 'PIM Bot' },
      value: { id, connectionName: 'sso', token },
    };
    const authorization = `Bearer ${tenant.botFramework.channelToken({ appId: tenant.botApp.clientId, serviceUrl: connector.url })}`;
    return fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
  }

  const exchangesAtTokenService = () => tokenService.calls.filter((c) => c.path === '/api/usertoken/exchange').length;

  it('the same exchange at both instances at the same time: exactly one exchange at the token service, one "signed in", the other answered 200 with no body', async () => {
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    const before = exchangesAtTokenService();
    const mark = connector.activities.length;
    const id = `exchange-${randomUUID()}`;
    const responses = await Promise.all([
      exchange(endpoints[0]!, id, sso),
      exchange(endpoints[1]!, id, sso),
      exchange(endpoints[0]!, id, sso),
      exchange(endpoints[1]!, id, sso),
    ]);
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200, 200],
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    assert.equal(exchangesAtTokenService() - before, 1, 'exactly one exchange');
    assert.equal(bodies.filter((b) => b.includes(id)).length, 1, 'one answer names the exchange; the duplicates have no body');
    assert.equal(connector.since(mark).filter((a) => a.activity.text === SIGNED_IN_TEXT).length, 1, 'she reads "signed in" once');

    // A new exchange id (Teams' next sign-in) is exchanged again, at either instance.
    await exchange(endpoints[1]!, `exchange-${randomUUID()}`, sso);
    assert.equal(exchangesAtTokenService() - before, 2);
  });
});
