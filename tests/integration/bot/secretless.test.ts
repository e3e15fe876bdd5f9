// The secretless option over HTTP in production mode, nothing stubbed: the bot's app registration has
// no secret in the bot's settings, only a federated identity credential backed by the host's managed
// identity (the emulator plays Container Apps' identity endpoint). msal-node's real client-credentials
// and on-behalf-of flows present the managed identity's token as client_assertion: the approval sweep
// reads PIM app-only, Alice's turn runs on her on-behalf-of token, and the reply carries the bot's
// Bot Framework token. A foreign or forged assertion is refused by the emulator's token endpoint.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { loadConfig, type BotConfig } from '../../../bot/config';
import { createJsonLogger } from '../../../bot/logging';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { managedIdentityAssertion } from '../../../services/identity/managedIdentityAssertion';
import { MsalTokenClient } from '../../../services/identity/msalTokenClient';
import { startBotTokenService, type BotTokenService } from '../../support/botTokenService';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

const ALICE = { id: '29:alice-teams-id', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('secretless: a federated identity credential backed by the managed identity (production mode, no secret, no stubs)', function () {
  this.timeout(60_000);
  let tenant: Awaited<ReturnType<typeof startTestTenant>>;
  let connector: RecordingConnector;
  let tokenService: BotTokenService;
  let config: BotConfig;
  let app: BotApp;
  let endpoint: string;
  const logLines: string[] = [];

  before(async () => {
    [tenant, connector, tokenService] = await Promise.all([startTestTenant(), startRecordingConnector(), startBotTokenService('sso')]);
    const appId = tenant.botApp.clientId;
    const loaded = loadConfig({
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: tenant.tenantId,
      MANAGED_IDENTITY_CLIENT_ID: tenant.managedIdentity.clientId,
      IDENTITY_ENDPOINT: tenant.managedIdentity.endpoint,
      IDENTITY_HEADER: tenant.managedIdentity.header,
      SSO_APP_ID_URI: `api://botid-${appId}`,
      STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=unused;AccountKey=dW51c2VkLWtleS12YWx1ZQ==;EndpointSuffix=core.windows.net',
      PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
    });
    assert.equal(loaded.services.clientSecret, undefined, 'no secret anywhere in the settings');
    assert.equal(loaded.services.clientCertificate, undefined);
    config = {
      ...loaded,
      services: {
        ...loaded.services,
        authority: tenant.authority,
        knownAuthorities: [tenant.knownAuthority],
        graphBaseUrl: tenant.url,
        armBaseUrl: tenant.url,
      },
    };
    const { MemoryStorage } = await import('botbuilder');
    app = createBotApp(config, {
      storage: new MemoryStorage(),
      logger: createJsonLogger((line) => logLines.push(line)),
      channelAuth: { openIdMetadataUrl: tenant.botFramework.openIdMetadataUrl, oauthUrl: tokenService.url },
    });
    const { port } = await app.listen(0, '127.0.0.1');
    endpoint = `http://127.0.0.1:${port}/api/messages`;
  });

  after(async () => {
    await app?.close();
    await Promise.all([tenant?.close(), connector?.close(), tokenService?.close()]);
  });

  it("app-only: the approval sweep reads PIM with the app token msal-node got for the managed identity's assertion", async () => {
    const appId = tenant.botApp.clientId;
    const appOnlyReads = () =>
      tenant.requestLog.entries().filter((e) => e.caller === appId && e.method === 'GET' && /roleAssignmentScheduleRequests$/.test(e.path))
        .length;
    for (let i = 0; i < 200 && appOnlyReads() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(appOnlyReads() > 0, 'PIM was read app-only');
    assert.ok(
      tenant.requestLog.entries().some((e) => e.path === '/msi/token'),
      'the assertion came from the managed identity endpoint',
    );
  });

  it("on-behalf-of and the reply: Alice's turn runs on her own delegated token, and the reply carries the bot's Bot Framework token", async () => {
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    tokenService.setUserToken(ALICE.id, sso);
    const mark = connector.activities.length;
    const logMark = tenant.requestLog.entries().length;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tenant.botFramework.channelToken({ appId: tenant.botApp.clientId, serviceUrl: connector.url })}`,
      },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl: connector.url,
        conversation: { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: tenant.tenantId },
        channelData: { tenant: { id: tenant.tenantId } },
        from: ALICE,
        recipient: { id: `28:${tenant.botApp.clientId}`, name: 'PIM Bot' },
        locale: 'en-US',
        text: 'activate global reader',
      }),
    });
    assert.equal(response.status, 200);
    const byAlice = tenant.requestLog
      .entries()
      .slice(logMark)
      .filter((e) => e.caller === DEMO_USERS.alice.id);
    assert.ok(byAlice.length > 0, "PIM was read with Alice's on-behalf-of token");
    const replies = connector.since(mark);
    assert.ok(replies.length > 0, 'the bot replied');
    const replyToken = /^Bearer (.+)$/.exec(replies[0]!.authorization ?? '')?.[1];
    assert.ok(replyToken, 'the reply carries a token');
    const claims = claimsOf(replyToken);
    assert.equal(claims['aud'], 'https://api.botframework.com');
    assert.equal(claims['appid'], tenant.botApp.clientId, "the bot's own app token");
    assert.ok(!logLines.some((l) => l.includes(tenant.managedIdentity.header)), 'IDENTITY_HEADER never logged');
  });

  it("a foreign, forged or wrong-subject assertion is refused by the token endpoint; the managed identity's own is accepted", async () => {
    const msal = (assertion: () => Promise<string>) =>
      new MsalTokenClient({
        clientId: tenant.botApp.clientId,
        clientAssertion: assertion,
        authority: tenant.authority,
        knownAuthorities: [tenant.knownAuthority],
      });
    const genuine = managedIdentityAssertion({
      endpoint: tenant.managedIdentity.endpoint,
      header: tenant.managedIdentity.header,
      clientId: tenant.managedIdentity.clientId,
    });
    const real = await genuine();
    assert.equal(claimsOf(real)['aud'], 'api://AzureADTokenExchange');
    assert.match(await msal(genuine).clientCredentials('graph'), /^eyJ/, 'control: the genuine assertion works');

    // Right claims, signed by a key the tenant never used.
    const [h, p] = real.split('.');
    const otherSignature = tenant.tokens.user({ userId: DEMO_USERS.alice.id }).split('.')[2];
    const forged = `${h}.${p}.${Buffer.from(otherSignature!, 'base64url').reverse().toString('base64url')}`;
    // A token of the tenant, but for a user and another audience: no federated credential names it.
    const wrongSubject = tenant.tokens.user({ userId: DEMO_USERS.alice.id });
    // Another issuer altogether.
    const foreign = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(real), iss: 'https://sts.foreign.example/' })).toString('base64url')}.${real.split('.')[2]}`;
    const tokenEndpoint = `${tenant.authority}/oauth2/v2.0/token`;
    const presented = async (assertion: string) => {
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: tenant.botApp.clientId,
          grant_type: 'client_credentials',
          scope: 'https://graph.microsoft.com/.default',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
      return { status: response.status, codes: ((await response.json()) as { error_codes?: number[] }).error_codes ?? [] };
    };
    assert.deepEqual(await presented(forged), { status: 401, codes: [700027] }, 'signature');
    assert.deepEqual(await presented(wrongSubject), { status: 401, codes: [70021] }, 'no federated credential for a user token');
    assert.deepEqual(await presented(foreign), { status: 401, codes: [70021] }, 'no federated credential for another issuer');
    assert.equal((await presented(real)).status, 200);
    for (const bad of [forged, wrongSubject, foreign]) {
      await assert.rejects(msal(async () => bad).clientCredentials('graph'), /refused/, "msal-node's real flow is refused too");
    }
    // The identity endpoint itself refuses a caller without the host's header.
    await assert.rejects(
      managedIdentityAssertion({
        endpoint: tenant.managedIdentity.endpoint,
        header: 'not-the-header-of-this-host',
        clientId: tenant.managedIdentity.clientId,
      })(),
      /401/,
    );
  });
});
