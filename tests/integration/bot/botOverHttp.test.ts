// The whole bot over HTTP with nothing stubbed: the tenant emulator (real msal-node + Graph client),
// Azurite through botbuilder-azure-blobs, CloudAdapter on restify, and a recording connector as the channel.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText, submitActions, inputValue } from '../../support/botHarness';
import { requesterSuite } from './requesterHarness';

describe('bot over HTTP (emulator, Azurite, recording connector; no stubs)', function () {
  this.timeout(60_000);
  const logLines: string[] = [];
  const h = requesterSuite({
    logger: {
      info: () => {},
      warn: (m: string) => logLines.push(m),
      error: (m: string, f?: object) => logLines.push(`${m} ${JSON.stringify(f)}`),
    },
  });

  /** Posts one activity like the channel does and returns what the bot sent back during the turn. */
  async function say(partial: Partial<Activity> | string): Promise<Array<Partial<Activity>>> {
    const { body, replies } = await h.send(partial);
    for (const r of replies) {
      assert.equal(r.conversationId, h.conversationId);
      assert.equal(r.targetActivityId, body['id'], 'a reply to the activity sent');
      assert.equal(r.authorization, undefined, 'local mode sends no token to the channel');
    }
    return replies.map((r) => r.activity);
  }

  function activeFor(roleId: string) {
    return h.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === roleId && a.assignmentType === 'Activated');
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
    assert.match(cardText(result), /Global Reader is active on Directory from \{\{TIME\(.+\)\}\} until \{\{TIME\(.+\)\}\}/);

    const [assignment] = activeFor(DEMO_ROLES.globalReader.id);
    assert.ok(assignment, 'the emulator shows her assignment active');
    const minutes = (Date.parse(assignment.endDateTime!) - Date.parse(assignment.startDateTime)) / 60_000;
    assert.equal(minutes, 120);
    const [request] = h.tenant.state.assignmentRequests(DEMO_USERS.alice.id);
    assert.equal(request?.justification, 'Quarterly access review – café ✓');
    const created = h.tenant.requestLog.entries().filter((e) => e.method === 'POST' && e.path.endsWith('/roleAssignmentScheduleRequests'));
    // The request itself only, with Alice's own delegated token: no dry run first (it could not change
    // the outcome; see dialogs/activation/submit.ts), so one write counts against Graph's quota.
    assert.equal(created.length, 1);
    assert.equal(h.tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => r.isValidationOnly).length, 0, 'no dry run');
    for (const call of created) assert.equal(call.caller, DEMO_USERS.alice.id, "created with Alice's own delegated token");

    const [mine] = await say('my roles');
    const active = cardText(mine).split('You can activate')[0]!;
    assert.match(
      active,
      /Global Reader\nBolder[\s\S]*?(1 hour 59 minutes|2 hours) left/,
      'the role in bold (a TextBlock weight, never Markdown)',
    );
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
    const mark = h.connector.activities.length;
    const requestsBefore = h.tenant.state.assignmentRequests().length;
    const upstreamBefore = h.tenant.requestLog.entries().length;
    const bodies: Array<[string, string]> = [
      ['application/json', '{not json'],
      ['application/json', '[]'],
      ['application/json', '{}'],
      ['application/json', JSON.stringify({ type: 'message', text: 'activate' })],
      ['application/json', JSON.stringify({ ...h.activity({ text: 'hi' }), serviceUrl: 'https://example.com/' })],
      ['text/plain', 'hello bot'],
      ['application/json', JSON.stringify({ ...h.activity({}), text: 'x'.repeat(300 * 1024) })],
    ];
    for (const [contentType, body] of bodies) {
      const response = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });
      assert.ok(response.status >= 400 && response.status < 500, `${body.slice(0, 40)} → ${response.status}`);
      const text = await response.text();
      assert.doesNotMatch(text, /at .+\.(ts|js):\d+/, 'no stack trace');
    }
    assert.equal(h.connector.activities.length, mark, 'nothing sent to the channel');
    assert.equal(h.tenant.state.assignmentRequests().length, requestsBefore, 'nothing requested');
    assert.equal(h.tenant.requestLog.entries().length, upstreamBefore, 'no call to PIM');
  });

  it('a malformed message activity gets a plain answer and changes nothing', async () => {
    const replies = await say({ text: '', value: [1, 2, 3] as unknown as object });
    assert.match(replies[0]!.text ?? '', /wasn't in a form I understand/);
  });

  it('a restart in the middle of a dialog loses nothing', async () => {
    const [durationCard] = await say('activate user administrator');
    assert.match(cardText(durationCard), /How long do you need User Administrator\?/);

    await h.restartBot(); // a new app: new adapter, bot and state objects, same Azurite container

    const [form] = await say({ value: { action: 'setDuration', duration: '90 minutes' } });
    assert.match(cardText(form), /Why do you need User Administrator\?/);
    assert.match(cardText(form), /Ticket number/);
    const [result] = await say({ value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' } });
    assert.match(cardText(result), /User Administrator is waiting for approval/);
    const [request] = h.tenant.state.assignmentRequests(DEMO_USERS.alice.id);
    assert.equal(request?.status, 'PendingApproval');
  });

  it('logged nothing that looks like a token', () => {
    for (const line of logLines) assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+/);
  });
});
