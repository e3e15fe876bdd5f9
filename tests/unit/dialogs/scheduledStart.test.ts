// Scheduled requests: a start that is not now is shown on every card that
// describes the request, reported as scheduled (never "Role activated"), and refused before PIM is
// asked when it lies beyond the configured horizon, in the past, or after the eligibility ends.
import assert from 'node:assert/strict';
import type sinon from 'sinon';
import { approverCard, outcomeMessage, requesterCard } from '../../../cards/approvals/approvalCards';
import { ConfigError, loadConfig } from '../../../bot/config';
import type { ApprovalRecord, CardCopy } from '../../../services/approvals/record';
import type { ActivationInput, ActivationRequest, UserContext } from '../../../services/pim/model';
import { aliceEligibilities, cardText, fakePim, NOW, type FakePim } from '../../support/botHarness';
import { startChat } from './dialogClient';

/** PIM's answer as it is for a scheduled start: the request starts when it was asked to. */
function honourStart(pim: FakePim): FakePim {
  (pim.activate as sinon.SinonStub<[UserContext, ActivationInput], Promise<ActivationRequest>>).callsFake(async (user, input) => {
    const found = aliceEligibilities().find((e) => e.eligibility.key === input.eligibilityKey)!;
    const start = input.startDateTime ?? NOW;
    return {
      id: `req-${pim.activate.callCount}`,
      surface: 'entraRole',
      status: found.constraints.requiresApproval ? 'pendingApproval' : 'provisioned',
      roleId: found.eligibility.roleId,
      roleName: found.eligibility.roleName,
      scope: found.eligibility.scope,
      principalId: user.userId,
      startDateTime: start,
      endDateTime: new Date(start.getTime() + input.durationMinutes * 60_000),
      createdDateTime: NOW,
      justification: input.justification ?? null,
      ticket: input.ticket ?? null,
    };
  });
  return pim;
}

const DAY = 24 * 3_600_000;

describe('scheduled starts (issue 13, item 5)', () => {
  it('a start tomorrow is reported as scheduled, with its start and end and the zone, never as "Role activated"', async () => {
    const chat = startChat(honourStart(fakePim()));
    const replies = await chat.say('activate global reader tomorrow 9am for 2h because audit');
    const text = replies.map(cardText).join('\n');
    assert.equal(chat.pim.activate.firstCall.args[1].startDateTime?.toISOString(), '2025-03-04T09:00:00.000Z');
    assert.doesNotMatch(text, /Role activated|is active from/);
    assert.match(text, /Global Reader is scheduled/);
    assert.match(text, /scheduled to start at \{\{DATE\(2025-03-04T09:00:00Z, SHORT\)\}\} \{\{TIME\(2025-03-04T09:00:00Z\)\}\}/);
    assert.match(
      text,
      /Starts\n\{\{DATE\(2025-03-04T09:00:00Z, SHORT\)\}\} \{\{TIME\(2025-03-04T09:00:00Z\)\}\} your time \(2025-03-04 09:00 UTC\)/,
    );
    assert.match(
      text,
      /Ends\n\{\{DATE\(2025-03-04T11:00:00Z, SHORT\)\}\} \{\{TIME\(2025-03-04T11:00:00Z\)\}\} your time \(2025-03-04 11:00 UTC\)/,
    );
  });

  it('an ambiguous day ("friday") means the coming one, not the last one', async () => {
    const chat = startChat(honourStart(fakePim()));
    await chat.say('activate global reader friday 9am for 1h because audit');
    assert.equal(chat.pim.activate.firstCall.args[1].startDateTime?.toISOString(), '2025-03-07T09:00:00.000Z');
  });

  it('refuses a start beyond the default 14 days with a clear message, and asks PIM nothing', async () => {
    const chat = startChat(honourStart(fakePim()));
    const replies = await chat.say('activate global reader from january 5 2099 9am for 1h because audit');
    const text = replies.map(cardText).join('\n');
    assert.match(text, /I can't schedule that start/);
    // No zone in the turn: the card leaves the time to the client, which writes it in the reader's own.
    assert.match(text, /\{\{DATE\(2099-01-05T09:00:00Z, SHORT\)\}\} \{\{TIME\(2099-01-05T09:00:00Z\)\}\}, is more than 14 days ahead/);
    assert.match(text, /Nothing was requested/);
    assert.equal(chat.pim.activate.callCount, 0, 'nothing sent to PIM');
    assert.equal((chat.pim.service.validate as sinon.SinonStub).callCount, 0, 'not even a dry run');
  });

  it('takes its horizon from the configuration (MAX_SCHEDULE_AHEAD_DAYS)', async () => {
    const near = startChat(honourStart(fakePim()), undefined, { maxScheduleAheadDays: 2 });
    const refused = (await near.say('activate global reader friday 9am for 1h because audit')).map(cardText).join('\n');
    assert.match(refused, /more than 2 days ahead/);
    assert.equal(near.pim.activate.callCount, 0);
    const far = startChat(honourStart(fakePim()), undefined, { maxScheduleAheadDays: 5 });
    await far.say('activate global reader friday 9am for 1h because audit');
    assert.equal(far.pim.activate.callCount, 1);
  });

  it('refuses a start after the eligibility itself ends, naming when it ends', async () => {
    const eligibilities = aliceEligibilities().map((e, i) =>
      i === 0 ? { ...e, eligibility: { ...e.eligibility, endDateTime: new Date(NOW.getTime() + DAY) } } : e,
    );
    const chat = startChat(honourStart(fakePim(eligibilities)));
    const text = (await chat.say('activate global reader friday 9am for 1h because audit')).map(cardText).join('\n');
    assert.match(
      text,
      /Your eligibility for it ends \{\{DATE\(2025-03-04T10:02:00Z, SHORT\)\}\} \{\{TIME\(2025-03-04T10:02:00Z\)\}\}, before the start you asked for/,
    );
    assert.equal(chat.pim.activate.callCount, 0, 'nothing sent to PIM');
  });

  it('refuses a start that has already passed instead of starting now', async () => {
    const chat = startChat(honourStart(fakePim()));
    const text = (await chat.say('activate global reader from january 5 2020 9am for 1h because audit')).map(cardText).join('\n');
    assert.match(text, /\{\{DATE\(2020-01-05T09:00:00Z, SHORT\)\}\} \{\{TIME\(2020-01-05T09:00:00Z\)\}\}, has already passed/);
    // Said in Berlin, the start is read and shown in Berlin's time.
    const berlin = startChat(honourStart(fakePim()));
    const there = (
      await berlin.say({ text: 'activate global reader from january 5 2020 9am for 1h because audit', localTimezone: 'Europe/Berlin' })
    )
      .map(cardText)
      .join('\n');
    assert.match(there.replace(/\s/g, ' '), /The start you asked for, Sun, Jan 5, 2020 9:00 AM, has already passed/);
    assert.equal(chat.pim.activate.callCount, 0);
  });

  it('"my roles" shows a scheduled request with its start and end', async () => {
    const pim = fakePim();
    const start = new Date(NOW.getTime() + DAY);
    (pim.service.listRequests as sinon.SinonStub).resolves([
      {
        id: 'r1',
        surface: 'entraRole',
        status: 'provisioned',
        roleId: 'x',
        roleName: 'Global Reader',
        scope: { id: '/', displayName: 'Directory', kind: 'directory' },
        principalId: 'alice',
        startDateTime: start,
        endDateTime: new Date(start.getTime() + 3_600_000),
        createdDateTime: NOW,
        justification: null,
        ticket: null,
      } satisfies ActivationRequest,
    ]);
    const text = (await startChat(pim).say('my roles')).map(cardText).join('\n');
    assert.match(
      text,
      /Scheduled: starts \{\{DATE\(2025-03-04T10:02:00Z, SHORT\)\}\} \{\{TIME\(2025-03-04T10:02:00Z\)\}\} your time \(2025-03-04 10:02 UTC\), ends .*2025-03-04 11:02 UTC/,
    );
  });

  describe('approval cards', () => {
    const start = new Date(NOW.getTime() + 2 * DAY);
    const record = (decided: boolean): ApprovalRecord => ({
      surface: 'entraRole',
      requestId: 'req-1',
      requester: { id: 'alice', displayName: 'Alice Adams' },
      approvers: [{ id: 'bob', displayName: 'Bob Brown' }],
      request: {
        roleId: 'r',
        roleName: 'User Administrator',
        scopeId: '/',
        scopeName: 'Directory',
        startDateTime: start.toISOString(),
        endDateTime: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
        createdDateTime: NOW.toISOString(),
        justification: 'audit',
        ticket: 'INC-42',
      },
      recentActivations: [],
      createdAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + DAY).toISOString(),
      copies: [],
      ...(decided
        ? {
            decision: {
              outcome: 'approved' as const,
              by: { id: 'bob', displayName: 'Bob Brown' },
              at: NOW.toISOString(),
              justification: '',
              via: 'bot' as const,
            },
          }
        : {}),
    });
    const copy = (role: 'approver' | 'requester'): CardCopy => ({
      userId: role === 'approver' ? 'bob' : 'alice',
      role,
      state: 'sent',
      nonce: 'n',
      shows: 'pending',
    });
    const text = (a: { content?: unknown }) => JSON.stringify(a.content);

    it('the approver sees when the access would start and end, not only how long', () => {
      const shown = text(approverCard(record(false), copy('approver')));
      assert.match(
        shown,
        /"title":"Starts","value":"\{\{DATE\(2025-03-05T10:02:00Z, SHORT\)\}\} \{\{TIME\(2025-03-05T10:02:00Z\)\}\} your time \(2025-03-05 10:02 UTC\)"/,
      );
      assert.match(shown, /"title":"Ends","value":"[^"]*2025-03-05 12:02 UTC\)"/);
      assert.match(
        shown,
        /The access would start \{\{DATE\(2025-03-05T10:02:00Z, SHORT\)\}\} \{\{TIME\(2025-03-05T10:02:00Z\)\}\}, not now/,
      );
      const asap = record(false);
      const immediate = { ...asap, request: { ...asap.request, startDateTime: NOW.toISOString() } };
      assert.doesNotMatch(
        text(approverCard(immediate, copy('approver'))),
        /"title":"Starts"|not now/,
        'a request starting now has nothing to point out',
      );
    });

    it("the requester's waiting card shows them too; once approved it says scheduled, not switched on", () => {
      assert.match(text(requesterCard(record(false), copy('requester'))), /"title":"Starts"/);
      const approved = text(requesterCard(record(true), copy('requester')));
      assert.match(approved, /User Administrator is scheduled to start at \{\{DATE\(2025-03-05T10:02:00Z, SHORT\)\}\}/);
      assert.doesNotMatch(approved, /being switched on/);
      const told = outcomeMessage(record(true));
      assert.match(told, /It is scheduled to start at 2025-03-05 10:02 UTC and end at 2025-03-05 12:02 UTC/);
      assert.doesNotMatch(told, /active now/);
    });
  });

  describe('configuration', () => {
    const local = {
      LOCAL_TENANT_URL: 'https://localhost:8443',
      LOCAL_TENANT_ID: 'c0de0000-0000-4000-8000-00000000c0de',
      LOCAL_CLIENT_ID: 'c',
      LOCAL_CLIENT_SECRET: 's',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    };

    it('MAX_SCHEDULE_AHEAD_DAYS defaults to 14 and is read as a whole number of days', () => {
      assert.equal(loadConfig(local).activation?.maxScheduleAheadDays, 14);
      assert.equal(loadConfig({ ...local, MAX_SCHEDULE_AHEAD_DAYS: '3' }).activation?.maxScheduleAheadDays, 3);
    });

    it('a malformed MAX_SCHEDULE_AHEAD_DAYS stops the start and names the setting', () => {
      for (const bad of ['soon', '0', '1000']) {
        assert.throws(
          () => loadConfig({ ...local, MAX_SCHEDULE_AHEAD_DAYS: bad }),
          (e: unknown) => e instanceof ConfigError && e.setting === 'MAX_SCHEDULE_AHEAD_DAYS',
        );
      }
    });
  });
});
