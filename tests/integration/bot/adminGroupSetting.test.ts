// ADMIN_GROUP_ID must name a role-assignable group: the bot checks it in Graph (app-only, the real
// Graph client against the emulator) when it starts, and refuses to start otherwise, naming the setting.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { ConfigError, loadConfig, type BotConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_GROUPS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

describe('ADMIN_GROUP_ID at start: a role-assignable group or no start', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  const apps: BotApp[] = [];

  before(async () => {
    tenant = await startTestTenant();
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await tenant?.close();
  });

  function productionConfig(adminGroupId: string): BotConfig {
    const appId = tenant.botApp.clientId;
    const loaded = loadConfig({
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: tenant.tenantId,
      MicrosoftAppPassword: tenant.botApp.clientSecret,
      SSO_APP_ID_URI: `api://botid-${appId}`,
      STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=unused;AccountKey=dW51c2VkLWtleS12YWx1ZQ==;EndpointSuffix=core.windows.net',
      PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
      ADMIN_GROUP_ID: adminGroupId,
    });
    return {
      ...loaded,
      services: {
        ...loaded.services,
        authority: tenant.authority,
        knownAuthorities: [tenant.knownAuthority],
        graphBaseUrl: tenant.url,
        armBaseUrl: tenant.url,
      },
    };
  }

  async function start(adminGroupId: string): Promise<BotApp> {
    const app = createBotApp(productionConfig(adminGroupId), {
      storage: new MemoryStorage(),
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return app;
  }

  it("starts with a role-assignable group (the seed's Access Reviewers), after asking Graph with the app token", async () => {
    const mark = tenant.requestLog.entries().length;
    await start(DEMO_GROUPS.accessReviewers.id);
    const asked = tenant.requestLog
      .entries()
      .slice(mark)
      .filter((e) => e.path.toLowerCase() === `/v1.0/groups/${DEMO_GROUPS.accessReviewers.id}`);
    assert.equal(asked.length, 1, 'one look-up of the group');
  });

  it('refuses to start with a group that is not role-assignable (PIM Approvers), naming the setting and why', async () => {
    const group = await fetch(`${tenant.url}/v1.0/groups/${DEMO_GROUPS.pimApprovers.id}`, {
      headers: {
        authorization: `Bearer ${tenant.tokens.user({ userId: '0ca201e0-0000-4000-8000-000000000003', audience: 'https://graph.microsoft.com', scp: 'GroupMember.Read.All' })}`,
      },
    });
    assert.equal(
      ((await group.json()) as { isAssignableToRole?: unknown }).isAssignableToRole,
      false,
      'the emulator says so as Graph does',
    );
    await assert.rejects(
      start(DEMO_GROUPS.pimApprovers.id),
      (e: unknown) =>
        e instanceof ConfigError && e.setting === 'ADMIN_GROUP_ID' && /role-assignable/.test(e.message) && /PIM Approvers/.test(e.message),
    );
  });

  it('refuses to start with a group that does not exist, or when Graph cannot be asked', async () => {
    await assert.rejects(
      start('0dead000-0000-4000-8000-0000000000ff'),
      (e: unknown) => e instanceof ConfigError && e.setting === 'ADMIN_GROUP_ID' && /names no group/.test(e.message),
    );
    tenant.faults.add({ path: '^/v1\\.0/groups/', kind: 'unavailable' });
    try {
      await assert.rejects(
        start(DEMO_GROUPS.accessReviewers.id),
        (e: unknown) => e instanceof ConfigError && e.setting === 'ADMIN_GROUP_ID' && /could not be checked/.test(e.message),
      );
    } finally {
      tenant.faults.clear();
    }
  });
});
