import assert from 'node:assert/strict';
import { parseChannelRoutes, routeChannel, type ChannelRoute } from '../../../../services/approvals/channelRoutes';
import { ConfigError, loadConfig } from '../../../../bot/config';
import { approvalSettings } from '../../../../bot/approvals/wiring';

const A = '19:entra-approvals@thread.tacv2';
const B = '19:azure-prod@thread.tacv2';
const C = '19:everything-else@thread.tacv2';
const PROD_SUB = '/subscriptions/5b1e0000-0000-4000-8000-0000000000b1';

function routes(text: string): readonly ChannelRoute[] {
  const parsed = parseChannelRoutes(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.routes;
}

function error(text: string): string {
  const parsed = parseChannelRoutes(text);
  assert.equal(parsed.ok, false, `"${text}" should be refused`);
  return parsed.ok ? '' : parsed.error;
}

describe('approval channel routing table (APPROVAL_CHANNELS)', () => {
  it('routes Entra roles to one channel, Azure production to another, the rest to the catch-all', () => {
    const table = routes(`azureResource:${PROD_SUB}=${B}; entraRole=${A}; *=${C}`);
    assert.equal(routeChannel(table, 'entraRole', '/'), A);
    assert.equal(routeChannel(table, 'azureResource', PROD_SUB), B);
    assert.equal(routeChannel(table, 'azureResource', `${PROD_SUB}/resourceGroups/rg-web`.toUpperCase()), B, 'below the scope, any case');
    assert.equal(routeChannel(table, 'azureResource', '/subscriptions/0000aaaa-0000-4000-8000-000000000000'), C);
    assert.equal(routeChannel(table, 'azureResource', `${PROD_SUB}0`), C, 'a scope prefix matches whole path segments only');
    assert.equal(routeChannel(table, 'group', '0a990000-0000-4000-8000-0000000000a1'), C);
  });

  it('the most specific entry wins whatever the order; no entry, no channel', () => {
    const table = routes(`*=${C};azureResource=${A};azureResource:${PROD_SUB}/resourceGroups/rg-web=${B};azureResource:${PROD_SUB}=${C}`);
    assert.equal(routeChannel(table, 'azureResource', `${PROD_SUB}/resourceGroups/rg-web/providers/x/y`), B);
    assert.equal(routeChannel(table, 'azureResource', `${PROD_SUB}/resourceGroups/rg-db`), C);
    assert.equal(routeChannel(table, 'azureResource', '/subscriptions/other'), A);
    assert.equal(routeChannel(routes(`entraRole=${A}`), 'group', 'g'), undefined);
  });

  it('takes spaces and a trailing separator, and a directory-root scope', () => {
    const table = routes(`  entraRole:/ = ${A} ;\n`);
    assert.equal(routeChannel(table, 'entraRole', '/'), A);
    assert.equal(routeChannel(table, 'entraRole', '/administrativeUnits/x'), A);
  });

  it('refuses malformed tables with a message naming the entry', () => {
    assert.match(error(''), /empty/);
    assert.match(error('entraRole'), /entry 1 \("entraRole"\) has no "<selector>=<channel id>"/);
    assert.match(error(`entraRole=general`), /"general" is not a Teams channel id/);
    assert.match(error(`entraRole=${A};azure=${B}`), /entry 2 .*"azure" is not "\*" or a surface/);
    assert.match(error(`entraRole=${A};EntraRole=${B}`), /repeats the selector/);
    assert.match(error(`azureResource:rg-web=${B}`), /Azure scope starts with \/subscriptions\//);
    assert.match(error(`group:=${B}`), /scope after "group:" is missing/);
    assert.match(error(`=${A}`), /has no "<selector>=<channel id>"/);
  });

  it('parses a long hostile table in linear time (no backtracking)', () => {
    const long = `${'*'.repeat(7_000)}=${A}`;
    assert.match(error(long), /not "\*" or a surface/);
    assert.match(error('x'.repeat(9_000)), /longer than/);
  });
});

describe('bot/config: approval channels in both modes', () => {
  const LOCAL = {
    LOCAL_TENANT_URL: 'https://localhost:8443',
    LOCAL_TENANT_ID: 'c0de0000-0000-4000-8000-00000000c0de',
    LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
    LOCAL_CLIENT_SECRET: 's3cret-value',
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true;',
  } as const;

  it('local mode starts with APPROVERS_CHANNEL_ID (it used to refuse it as a production setting)', () => {
    const config = loadConfig({ ...LOCAL, APPROVERS_CHANNEL_ID: A });
    assert.equal(config.mode, 'local');
    assert.deepEqual(config.approvalChannels, [{ channelId: A }]);
  });

  it('reads APPROVAL_CHANNELS once and refuses a bad one naming the setting', () => {
    const config = loadConfig({ ...LOCAL, APPROVAL_CHANNELS: `entraRole=${A};azureResource:${PROD_SUB}=${B}` });
    assert.equal(routeChannel(config.approvalChannels!, 'azureResource', PROD_SUB), B);
    assert.throws(
      () => loadConfig({ ...LOCAL, APPROVAL_CHANNELS: 'entraRole=general' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'APPROVAL_CHANNELS' && /Teams channel id/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...LOCAL, APPROVAL_CHANNELS: `*=${B}`, APPROVERS_CHANNEL_ID: A }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'APPROVAL_CHANNELS' && /keep one of them/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...LOCAL, APPROVERS_CHANNEL_ID: 'general' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'APPROVERS_CHANNEL_ID',
    );
  });

  it("APPROVAL_ESCALATION_MINUTES sets the escalation spell after the reminder; absent, the reminder's spell is used", () => {
    const config = loadConfig({ ...LOCAL, APPROVAL_ESCALATION_MINUTES: '90' });
    assert.equal(config.approvals?.escalateAfterReminderMinutes, 90);
    assert.equal(approvalSettings(config.approvals!).reminders?.escalateAfterReminderMs, 90 * 60_000);
    assert.equal(loadConfig(LOCAL).approvals?.escalateAfterReminderMinutes, undefined);
    assert.throws(
      () => loadConfig({ ...LOCAL, APPROVAL_ESCALATION_MINUTES: 'soon' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'APPROVAL_ESCALATION_MINUTES',
    );
  });

  it('APPROVERS_CHANNEL_ID with a table is the catch-all after it', () => {
    const config = loadConfig({ ...LOCAL, APPROVAL_CHANNELS: `entraRole=${A}`, APPROVERS_CHANNEL_ID: C });
    assert.equal(routeChannel(config.approvalChannels!, 'entraRole', '/'), A);
    assert.equal(routeChannel(config.approvalChannels!, 'group', 'g'), C);
  });
});
