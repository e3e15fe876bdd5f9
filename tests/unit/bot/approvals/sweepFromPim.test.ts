// The sweep is level-triggered from PIM: a request PIM holds for approval with no record (its submit
// died after PIM's 201) is taken over once the creation lease has passed; a young one is left to its
// submit; an open ARM record written without the request's approval id gets it. No network:
// MemoryStorage, a recording sender, scripted PIM ports and a fixed clock.
import assert from 'node:assert/strict';
import { MemoryStorage, type Attachment, type ConversationReference } from 'botbuilder';
import { TeamsApprovals } from '../../../../bot/approvals/wiring';
import type { CardSender } from '../../../../bot/channel/cardSender';
import { ConversationDirectory, referenceKey } from '../../../../bot/conversationDirectory';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ApprovalState } from '../../../../services/approvals/model';
import type { ApprovalsPort, DirectoryPort, PendingAtPim } from '../../../../services/approvals/port';
import { recordKey, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';
import { eligibilityKey, type ActivationRequest, type Surface } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import { actingUser } from '../../../../dialogs/actingUser';

const NOW = new Date('2025-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const AZURE_ID =
  '/subscriptions/c0de5000-0000-4000-8000-0000000000f1/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/22222222-2222-4222-8222-222222222222';
const AZURE_APPROVAL =
  '/subscriptions/c0de5000-0000-4000-8000-0000000000f1/providers/Microsoft.Authorization/roleAssignmentApprovals/33333333-3333-4333-8333-333333333333';
const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const DAVE = 'd0000000-0000-4000-8000-000000000004';
const GROUP = 'e0000000-0000-4000-8000-000000000005';
const LEASE_MS = 30_000;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function reference(userId: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    conversation: { id: `a:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: `29:${userId}`, name: '' },
    bot: { id: '28:bot', name: 'bot' },
  };
}

const PENDING: ApprovalState = {
  requestId: REQUEST_ID,
  surface: 'entraRole',
  steps: [
    {
      id: 's1',
      status: 'inProgress',
      reviewResult: 'notReviewed',
      reviewedBy: null,
      reviewedAt: null,
      justification: '',
      assignedToMe: true,
    },
  ],
};

function activation(id: string, surface: Surface, createdAgoMs: number): ActivationRequest {
  const created = new Date(NOW.getTime() - createdAgoMs);
  return {
    id,
    surface,
    status: 'pendingApproval',
    roleId: 'r-user-admin',
    roleName: 'User Administrator',
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: ALICE,
    startDateTime: created,
    endDateTime: new Date(created.getTime() + 3600_000),
    createdDateTime: created,
    justification: 'why',
    ticket: null,
  } as ActivationRequest;
}

async function setup(atPim: { entra: PendingAtPim[]; azure: PendingAtPim[] }) {
  const memory = new MemoryStorage();
  for (const id of [ALICE, BOB, DAVE])
    await memory.write({ [referenceKey(id)]: { reference: reference(id), updatedAt: NOW.toISOString(), eTag: '*' } });
  const records = new ApprovalRecordStore(memory, { now: () => NOW, createLeaseMs: LEASE_MS });
  const port = (surface: Surface, listed: PendingAtPim[]): ApprovalsPort => ({
    surface,
    getApproval: async () => PENDING,
    decide: async () => undefined,
    getRequestStatus: async () => 'pendingApproval',
    recentActivations: async () => [],
    pendingApprovals: async () => listed,
  });
  const posts: Array<{ userId: string; content: Attachment | string }> = [];
  const sender: CardSender = {
    async post(ref, content) {
      posts.push({ userId: ref.conversation!.id.slice(2), content });
      return `post-${posts.length}`;
    },
    async update() {},
  };
  const people: DirectoryPort = {
    groupMembers: async () => [
      { id: BOB, displayName: 'Bob Brown' },
      { id: DAVE, displayName: 'Dave Diaz' },
    ],
    user: async (id) => (id === ALICE ? { id, displayName: 'Alice Adams' } : undefined),
  };
  const requests = new Map(
    [...atPim.entra, ...atPim.azure].map((p) => [p.id, activation(p.id, p.surface, NOW.getTime() - (p.createdDateTime ?? NOW).getTime())]),
  );
  const pim = {
    getRequest: async (_user: unknown, ref: { id: string }) => requests.get(ref.id)!,
    listEligibilities: async () => [
      {
        eligibility: {
          key: eligibilityKey('entraRole', '/', 'r-user-admin'),
          surface: 'entraRole',
          roleId: 'r-user-admin',
          roleName: 'User Administrator',
          scope: { id: '/', displayName: 'Directory', kind: 'directory' },
          principalId: ALICE,
          endDateTime: null,
        },
        constraints: {
          maxDurationMinutes: 240,
          minDurationMinutes: 5,
          requiresJustification: true,
          requiresTicket: false,
          requiresMfa: false,
          authenticationContext: null,
          requiresApproval: true,
          approvers: [{ kind: 'group', id: GROUP }],
        },
      },
    ],
  } as unknown as PimService;
  const flow = new TeamsApprovals({
    pim,
    decisions: new ApprovalDecisions([port('entraRole', atPim.entra), port('azureResource', atPim.azure)]),
    people,
    records,
    conversations: new ConversationDirectory(memory),
    sender,
    tenantId: 't',
    actingUser: (c) => actingUser(c, 't'),
    now: () => NOW,
    logger: quiet,
  });
  const sweep = async () => {
    await flow.sweep();
    await flow.idle();
  };
  return { records, posts, sweep };
}

const cardsTo = (posts: Array<{ userId: string; content: Attachment | string }>, userId: string, verb: string) =>
  posts.filter((p) => p.userId === userId && JSON.stringify(p.content).includes(`"verb":"${verb}"`)).length;

describe('the approval sweep, level-triggered from PIM', () => {
  it('takes over a request PIM holds with no record once the creation lease has passed: one card per approver, one waiting card, however many sweeps', async () => {
    const { records, posts, sweep } = await setup({
      entra: [{ surface: 'entraRole', id: REQUEST_ID, principalId: ALICE, createdDateTime: new Date(NOW.getTime() - LEASE_MS - 1) }],
      azure: [],
    });
    await sweep();
    await sweep();
    const record = await records.getByKey(recordKey('entraRole', REQUEST_ID));
    assert.ok(record, 'a record');
    assert.deepEqual(record.copies.map((c) => `${c.role}:${c.userId}:${c.state}`).sort(), [
      `approver:${BOB}:sent`,
      `approver:${DAVE}:sent`,
      `requester:${ALICE}:sent`,
    ]);
    assert.equal(record.requester.displayName, 'Alice Adams');
    assert.deepEqual([cardsTo(posts, BOB, 'approve'), cardsTo(posts, DAVE, 'approve'), cardsTo(posts, ALICE, 'cancelRequest')], [1, 1, 1]);
    assert.ok((await records.openKeys()).includes(recordKey('entraRole', REQUEST_ID)));
  });

  it('leaves a request younger than the creation lease to its own submit turn', async () => {
    const { records, posts, sweep } = await setup({
      entra: [{ surface: 'entraRole', id: REQUEST_ID, principalId: ALICE, createdDateTime: new Date(NOW.getTime() - LEASE_MS + 1_000) }],
      azure: [],
    });
    await sweep();
    assert.equal(await records.getByKey(recordKey('entraRole', REQUEST_ID)), undefined);
    assert.deepEqual(posts, []);
  });

  it('gives an open ARM record written without an approval id the one PIM lists for its request', async () => {
    const { records, sweep } = await setup({
      entra: [],
      azure: [
        {
          surface: 'azureResource',
          id: AZURE_ID,
          principalId: ALICE,
          approvalId: AZURE_APPROVAL,
          createdDateTime: new Date(NOW.getTime() - 3600_000),
        },
      ],
    });
    const stored: ApprovalRecord = {
      surface: 'azureResource',
      requestId: AZURE_ID.toLowerCase(),
      requester: { id: ALICE },
      approvers: [{ id: BOB }],
      request: {
        roleId: 'r',
        roleName: 'Contributor',
        scopeId: '/subscriptions/x',
        scopeName: 'Contoso Prod',
        startDateTime: NOW.toISOString(),
        endDateTime: NOW.toISOString(),
        createdDateTime: NOW.toISOString(),
        justification: null,
        ticket: null,
      },
      recentActivations: [],
      createdAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + 24 * 3600_000).toISOString(),
      copies: [
        { userId: BOB, role: 'approver', state: 'sent', activityId: 'bob-1', conversationId: `a:${BOB}`, nonce: 'n', shows: 'pending' },
      ],
    };
    await records.create(stored);
    await sweep();
    assert.equal((await records.getByKey(recordKey('azureResource', AZURE_ID)))?.approvalId, AZURE_APPROVAL);
  });
});
