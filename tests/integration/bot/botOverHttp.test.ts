// The whole bot over HTTP with nothing stubbed: the tenant emulator (real msal-node + Graph client),
// Azurite through botbuilder-azure-blobs, CloudAdapter on restify, and a recording connector as the channel.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { loadConfig, type BotConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startAzurite } from '../../../emulator/storage/azurite';
import { cardText, submitActions, inputValue } from '../../support/botHarness';
import { startRecordingConnector, type RecordingConnector } from '../../support/recordingConnector';
import { startTestTenant } from '../../support/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Azurite = Awaited<ReturnType<typeof startAzurite>>;

const ALICE = { id: '29:alice', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };

describe('bot over HTTP (emulator, Azurite, recording connector; no stubs)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let azurite: Azurite;
  let azuriteDir: string;
  let connector: RecordingConnector;
  let config: BotConfig;
  let app: BotApp;
  let endpoint: string;
  const logLines: string[] = [];

  async function startBot(): Promise<void> {
    const logger = { info: () => {}, warn: (m: string) => logLines.push(m), error: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`) };
    app = createBotApp(config, { logger });
    const { port } = await app.listen(0, '127.0.0.1');
    endpoint = `http://127.0.0.1:${port}/api/messages`;
  }

  before(async () => {
    azuriteDir = mkdtempSync(path.join(tmpdir(), 'pimbot-azurite-'));
    [tenant, azurite, connector] = await Promise.all([startTestTenant(), startAzurite({ location: azuriteDir }), startRecordingConnector()]);
    config = loadConfig({
      PORT: '0',
      LOCAL_TENANT_URL: tenant.url,
      LOCAL_TENANT_ID: tenant.tenantId,
      LOCAL_CLIENT_ID: tenant.botApp.clientId,
      LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_CONTAINER: `it-${randomUUID().slice(0, 8)}`,
    });
    await startBot();
  });

  after(async () => {
    await app?.close();
    await Promise.all([tenant?.close(), azurite?.stop(), connector?.close()]);
    if (azuriteDir) rmSync(azuriteDir, { recursive: true, force: true });
  });

  let conversationId: string;
  beforeEach(async () => {
    await tenant.reset();
    conversationId = `a:${randomUUID()}`;
  });

  function activity(partial: Partial<Activity>): Record<string, unknown> {
    return {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant.tenantId },
      from: ALICE,
      recipient: { id: '28:pim-bot', name: 'PIM Bot' },
      locale: 'en-US',
      ...partial,
    };
  }

  /** Posts one activity like the channel does and returns what the bot sent back during the turn. */
  async function say(partial: Partial<Activity> | string): Promise<Array<Partial<Activity>>> {
    const mark = connector.activities.length;
    const body = activity(typeof partial === 'string' ? { text: partial } : partial);
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200, `bot answered ${response.status}: ${await response.text()}`);
    const replies = connector.since(mark);
    for (const r of replies) {
      assert.equal(r.conversationId, conversationId);
      assert.equal(r.targetActivityId, body['id'], 'a reply to the activity sent');
      assert.equal(r.authorization, undefined, 'local mode sends no token to the channel');
    }
    return replies.map((r) => r.activity);
  }

  function activeFor(roleId: string) {
    return tenant.state.activeAssignments(DEMO_USERS.alice.id).filter((a) => a.roleDefinitionId === roleId && a.assignmentType === 'Activated');
  }

  it('"hi" gets the welcome card with her eligible roles', async () => {
    const [welcome] = await say('hi');
    const text = cardText(welcome);
    assert.match(text, /Hi Alice, I'm your PIM assistant/);
    for (const role of ['Global Reader', 'User Administrator', 'Security Administrator']) assert.match(text, new RegExp(role));
  });

  it('activates Global Reader for 2h through the card submits, and "my roles" shows it with the time left', async () => {
    const [list] = await say('activate');
    assert.match(cardText(list), /Up to 8 hours · justification/);
    const pick = submitActions(list).find((a) => String(a.data['eligibilityKey']).endsWith(DEMO_ROLES.globalReader.id));
    assert.ok(pick, 'an Activate button for Global Reader');

    const [durationCard] = await say({ value: pick.data });
    assert.equal(inputValue(durationCard, 'duration'), '1h');
    const [form] = await say({ value: { action: 'setDuration', duration: '2h' } });
    assert.match(cardText(form), /Why do you need Global Reader\?/);
    assert.equal(activeFor(DEMO_ROLES.globalReader.id).length, 0, 'nothing active before the submit');

    const [result] = await say({ value: { action: 'submitJustification', justification: 'Quarterly access review – café ✓' } });
    assert.match(cardText(result), /Global Reader is active from \{\{TIME\(.+\)\}\} until \{\{TIME\(.+\)\}\}/);

    const [assignment] = activeFor(DEMO_ROLES.globalReader.id);
    assert.ok(assignment, 'the emulator shows her assignment active');
    const minutes = (Date.parse(assignment.endDateTime!) - Date.parse(assignment.startDateTime)) / 60_000;
    assert.equal(minutes, 120);
    const [request] = tenant.state.assignmentRequests(DEMO_USERS.alice.id);
    assert.equal(request?.justification, 'Quarterly access review – café ✓');
    const created = tenant.requestLog.entries().filter((e) => e.method === 'POST' && e.path.endsWith('/roleAssignmentScheduleRequests'));
    // PIM's dry run (isValidationOnly) before the request itself, both with Alice's own delegated token.
    assert.equal(created.length, 2);
    for (const call of created) assert.equal(call.caller, DEMO_USERS.alice.id, "created with Alice's own delegated token");

    const [mine] = await say('my roles');
    const active = cardText(mine).split('You can activate')[0]!;
    assert.match(active, /\*\*Global Reader\*\*[\s\S]*?(1 hour 59 minutes|2 hours) left/);
  });

  it('typed text works end to end, and a role needing step-up gets plain words', async () => {
    await say('activate global reader');
    await say('90 minutes');
    const [result] = await say('Checking audit logs');
    assert.match(cardText(result), /Global Reader is active/);
    assert.equal(activeFor(DEMO_ROLES.globalReader.id).length, 1);

    await say('activate security administrator');
    let [outcome] = await say('45m');
    // Whether a justification is asked is the seeded policy's business; answer it if asked.
    if (/Why do you need Security Administrator/.test(cardText(outcome))) [outcome] = await say('Incident response');
    assert.match(cardText(outcome), /Security Administrator (is active|needs a stronger sign-in)/);
  });

  it('a garbage POST to /api/messages gets a 4xx and changes nothing', async () => {
    const mark = connector.activities.length;
    const requestsBefore = tenant.state.assignmentRequests().length;
    const upstreamBefore = tenant.requestLog.entries().length;
    const bodies: Array<[string, string]> = [
      ['application/json', '{not json'],
      ['application/json', '[]'],
      ['application/json', '{}'],
      ['application/json', JSON.stringify({ type: 'message', text: 'activate' })],
      ['application/json', JSON.stringify({ ...activity({ text: 'hi' }), serviceUrl: 'https://example.com/' })],
      ['text/plain', 'hello bot'],
      ['application/json', JSON.stringify({ ...activity({}), text: 'x'.repeat(300 * 1024) })],
    ];
    for (const [contentType, body] of bodies) {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': contentType }, body });
      assert.ok(response.status >= 400 && response.status < 500, `${body.slice(0, 40)} → ${response.status}`);
      const text = await response.text();
      assert.doesNotMatch(text, /at .+\.(ts|js):\d+/, 'no stack trace');
    }
    assert.equal(connector.activities.length, mark, 'nothing sent to the channel');
    assert.equal(tenant.state.assignmentRequests().length, requestsBefore, 'nothing requested');
    assert.equal(tenant.requestLog.entries().length, upstreamBefore, 'no call to PIM');
  });

  it('a malformed message activity gets a plain answer and changes nothing', async () => {
    const replies = await say({ text: '', value: [1, 2, 3] as unknown as object });
    assert.match(replies[0]!.text ?? '', /wasn't in a form I understand/);
  });

  it('a restart in the middle of a dialog loses nothing', async () => {
    const [durationCard] = await say('activate user administrator');
    assert.match(cardText(durationCard), /How long do you need User Administrator\?/);

    await app.close();
    await startBot(); // a new app: new adapter, bot and state objects, same Azurite container

    const [form] = await say({ value: { action: 'setDuration', duration: '90 minutes' } });
    assert.match(cardText(form), /Why do you need User Administrator\?/);
    assert.match(cardText(form), /Ticket number/);
    const [result] = await say({ value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' } });
    assert.match(cardText(result), /User Administrator is waiting for approval/);
    const [request] = tenant.state.assignmentRequests(DEMO_USERS.alice.id);
    assert.equal(request?.status, 'PendingApproval');
  });

  it('logged nothing that looks like a token', () => {
    for (const line of logLines) assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+/);
  });
});
