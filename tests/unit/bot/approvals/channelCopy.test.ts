// The channel copy of an approval record under the sweep, with fakes: posted once to the channel's
// stored reference; a channel that refuses the bot (403/404: the app is not in the team) marks the copy
// unreachable instead of retrying every sweep; a passing failure is retried.
import assert from 'node:assert/strict';
import { MemoryStorage, type Attachment, type ConversationReference } from 'botbuilder';
import { TeamsApprovals } from '../../../../bot/approvals/wiring';
import type { CardSender } from '../../../../bot/channel/cardSender';
import { ConversationDirectory, channelReferenceKey } from '../../../../bot/conversationDirectory';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ApprovalsPort, DirectoryPort } from '../../../../services/approvals/port';
import { channelCopy, channelCopyId, recordKey, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';
import type { PimService } from '../../../../services/pim/service';
import { actingUser } from '../../../../dialogs/actingUser';

const T0 = new Date('2025-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const KEY = recordKey('entraRole', REQUEST_ID);
const CHANNEL = '19:approvals@thread.tacv2';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function record(): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: REQUEST_ID,
    requester: { id: 'alice', displayName: 'Alice Adams' },
    approvers: [{ id: 'bob', displayName: 'Bob Brown' }],
    request: {
      roleId: 'r',
      roleName: 'User Administrator',
      scopeId: '/',
      scopeName: 'Directory',
      startDateTime: T0.toISOString(),
      endDateTime: T0.toISOString(),
      createdDateTime: T0.toISOString(),
      justification: null,
      ticket: null,
    },
    recentActivations: [],
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 24 * 3600_000).toISOString(),
    copies: [
      { userId: 'bob', role: 'approver', state: 'unreachable', nonce: 'n-bob', shows: 'pending' },
      { userId: channelCopyId(CHANNEL), role: 'channel', state: 'intent', nonce: 'n-channel', shows: 'pending', conversationId: CHANNEL },
    ],
  };
}

async function setup(fail: (attempt: number) => Error | undefined) {
  const memory = new MemoryStorage();
  const records = new ApprovalRecordStore(memory);
  await records.create(record());
  const channelRef: Partial<ConversationReference> = {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', name: '' },
    bot: { id: '28:bot', name: 'bot' },
  };
  await memory.write({ [channelReferenceKey(CHANNEL)]: { reference: channelRef, updatedAt: T0.toISOString(), eTag: '*' } });
  const posts: Array<{ conversationId: string | undefined; content: Attachment | string }> = [];
  const sender: CardSender = {
    post: async (ref, content) => {
      const error = fail(posts.length);
      posts.push({ conversationId: ref.conversation?.id, content });
      if (error) throw error;
      return `activity-${posts.length}`;
    },
    update: async () => undefined,
  };
  const port: ApprovalsPort = {
    surface: 'entraRole',
    getApproval: () => Promise.reject(new Error('no approver token')),
    decide: () => Promise.reject(new Error('not here')),
    getRequestStatus: async () => 'pendingApproval',
    recentActivations: async () => [],
    pendingApprovals: async () => [],
  };
  const people = { user: async () => undefined, groupMembers: async () => [] } as unknown as DirectoryPort;
  const flow = new TeamsApprovals({
    pim: { listEligibilities: async () => [] } as unknown as PimService,
    decisions: new ApprovalDecisions([port]),
    people,
    records,
    conversations: new ConversationDirectory(memory),
    sender,
    tenantId: 't',
    actingUser: (c) => actingUser(c, 't'),
    now: () => T0,
    logger: quiet,
  });
  return { flow, records, posts };
}

function statusError(statusCode: number): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
}

describe('the channel copy of an approval', () => {
  it('is posted once to the channel and recorded sent', async () => {
    const { flow, records, posts } = await setup(() => undefined);
    await flow.sweep();
    await flow.sweep();
    await flow.idle();
    assert.deepEqual(
      posts.map((p) => p.conversationId),
      [CHANNEL],
    );
    const copy = channelCopy((await records.getByKey(KEY))!)!;
    assert.equal(copy.state, 'sent');
    assert.equal(copy.activityId, 'activity-1');
  });

  it('a channel that refuses the bot (404) leaves the copy unreachable: no post on later sweeps', async () => {
    const { flow, records, posts } = await setup(() => statusError(404));
    await flow.sweep();
    await flow.sweep();
    await flow.idle();
    assert.equal(posts.length, 1);
    assert.equal(channelCopy((await records.getByKey(KEY))!)!.state, 'unreachable');
  });

  it('a passing failure (503) is retried on the next sweep', async () => {
    const { flow, records, posts } = await setup((attempt) => (attempt === 0 ? statusError(503) : undefined));
    await flow.sweep();
    await flow.sweep();
    await flow.idle();
    assert.equal(posts.length, 2);
    assert.equal(channelCopy((await records.getByKey(KEY))!)!.state, 'sent');
  });
});
