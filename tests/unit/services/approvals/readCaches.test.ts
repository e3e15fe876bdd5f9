// The approval card's reads that every request of a role repeats are kept briefly (issue 19): an
// approver group's members and a requester's profile for a minute, a role definition's description and
// isPrivileged for ten.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { EntraApprovals, ROLE_INFO_TTL_MS } from '../../../../services/approvals/entra/entraApprovals';
import { GROUP_MEMBERS_TTL_MS, GraphDirectory } from '../../../../services/approvals/graphDirectory';
import type { GraphApi } from '../../../../services/pim/graph/graphApi';
import type { UserContext } from '../../../../services/pim/model';

const GROUP = '0a990000-0000-4000-8000-0000000000a1';
const ROLE = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const alice: UserContext = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
const appTokens = { getAppToken: sinon.stub().resolves('app-token') };

describe('services/approvals read caches', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it("reads an approver group's members once a minute, and hands out copies", async () => {
    const list = sinon.stub().resolves([{ id: 'b', displayName: 'Bob Brown' }, { id: 'd' }]);
    const directory = new GraphDirectory({ list } as unknown as GraphApi, appTokens);
    const first = await directory.groupMembers(GROUP);
    first.push({ id: 'mallory' });
    assert.deepEqual(await directory.groupMembers(GROUP.toUpperCase()), [{ id: 'b', displayName: 'Bob Brown' }, { id: 'd' }]);
    assert.equal(list.callCount, 1);
    clock.tick(GROUP_MEMBERS_TTL_MS + 1);
    await directory.groupMembers(GROUP);
    assert.equal(list.callCount, 2, 'read again after the minute');
    assert.equal(GROUP_MEMBERS_TTL_MS, 60_000);
  });

  it("reads a requester's job title, department and manager once a minute per person, and hands out copies", async () => {
    const get = sinon.stub().resolves({ id: alice.userId, jobTitle: 'Engineer', department: 'IT', manager: { displayName: 'Carol Chen' } });
    const directory = new GraphDirectory({ get } as unknown as GraphApi, appTokens);
    const first = await directory.profile(alice.userId);
    assert.deepEqual(first, { jobTitle: 'Engineer', department: 'IT', manager: 'Carol Chen' });
    (first as { manager?: string }).manager = 'Mallory';
    assert.deepEqual(await directory.profile(alice.userId.toUpperCase()), {
      jobTitle: 'Engineer',
      department: 'IT',
      manager: 'Carol Chen',
    });
    assert.equal(get.callCount, 1);
    await directory.profile('0b0b0000-0000-4000-8000-000000000002');
    assert.equal(get.callCount, 2, 'another person is read on their own');
    clock.tick(GROUP_MEMBERS_TTL_MS + 1);
    await directory.profile(alice.userId);
    assert.equal(get.callCount, 3, 'read again after the minute');
  });

  it("reads a role definition's description and isPrivileged once per role in ten minutes", async () => {
    const get = sinon.stub().resolves({ id: ROLE, description: 'Can manage users.', isPrivileged: true });
    const approvals = new EntraApprovals({ graph: { get } as unknown as GraphApi, appTokens, userTokens: { getUserToken: sinon.stub() } });
    const target = {
      principalId: alice.userId,
      roleId: ROLE,
      roleName: 'User Administrator',
      scope: { id: '/', displayName: 'Directory', kind: 'directory' as const },
    };
    assert.deepEqual(await approvals.roleInfo(alice, target), { description: 'Can manage users.', privileged: true });
    assert.deepEqual(await approvals.roleInfo(alice, target), { description: 'Can manage users.', privileged: true });
    assert.equal(get.callCount, 1);
    clock.tick(ROLE_INFO_TTL_MS + 1);
    await approvals.roleInfo(alice, target);
    assert.equal(get.callCount, 2);
  });
});
