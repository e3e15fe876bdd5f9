// The card's context is one batch of reads per request; a part that fails (or a port without it) is
// left out and named to the logger, and the card goes out with the rest.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { readApprovalContext } from '../../../../services/approvals/context';
import type { ApprovalsPort, DirectoryPort } from '../../../../services/approvals/port';
import { PimError } from '../../../../services/pim/errors';
import type { ActiveAssignment } from '../../../../services/pim/model';

const ALICE = { userId: 'alice', tenantId: 't' };
const TARGET = {
  principalId: 'alice',
  roleId: 'r',
  roleName: 'User Administrator',
  scope: { id: '/', displayName: 'Directory', kind: 'directory' as const },
};
const held = (surface: ActiveAssignment['surface'], roleName: string, scope: string, end: Date | null): ActiveAssignment => ({
  key: `${surface}|${roleName}`,
  surface,
  roleId: roleName,
  roleName,
  scope: { id: scope, displayName: scope, kind: 'directory' },
  principalId: 'alice',
  startDateTime: null,
  endDateTime: end,
  assignmentType: 'activated',
});

describe('approval context (one read batch per request)', () => {
  it('reads profile, role and active access once each, and names held access in words', async () => {
    const people = {
      groupMembers: sinon.stub(),
      user: sinon.stub(),
      profile: sinon.stub().resolves({ jobTitle: 'SRE', manager: 'Bob Brown' }),
    };
    const roleInfo = sinon.stub().resolves({ description: 'Manages users.', privileged: true });
    const listActive = sinon
      .stub()
      .resolves([
        held('entraRole', 'Global Reader', '/', new Date('2025-01-01T12:00:00Z')),
        held('group', 'Owner', 'SRE On-Call', null),
        held('azureResource', 'Reader', 'rg-web', null),
      ]);
    const context = await readApprovalContext(
      { people: people as unknown as DirectoryPort, listActive, port: { roleInfo } as unknown as ApprovalsPort },
      ALICE,
      TARGET,
    );
    assert.deepEqual(context, {
      requester: { jobTitle: 'SRE', manager: 'Bob Brown' },
      role: { description: 'Manages users.', privileged: true },
      activeAccess: [
        { name: 'Global Reader', endDateTime: '2025-01-01T12:00:00.000Z' },
        { name: 'Owner of SRE On-Call', endDateTime: null },
        { name: 'Reader on rg-web', endDateTime: null },
      ],
    });
    assert.deepEqual([people.profile.callCount, roleInfo.callCount, listActive.callCount], [1, 1, 1]);
  });

  it('takes the role from what the eligibility listing said, without asking the port', async () => {
    const roleInfo = sinon.stub().resolves({ description: 'from the port', privileged: false });
    const context = await readApprovalContext(
      {
        people: { groupMembers: sinon.stub(), user: sinon.stub() } as unknown as DirectoryPort,
        listActive: sinon.stub().resolves([]),
        port: { roleInfo } as unknown as ApprovalsPort,
        knownRole: { description: 'Manages users.', privileged: true },
      },
      ALICE,
      TARGET,
    );
    assert.deepEqual(context.role, { description: 'Manages users.', privileged: true });
    assert.equal(roleInfo.callCount, 0);
  });

  it('a part that fails, or a port without it, is left out and reported; the rest stays', async () => {
    const errors: string[] = [];
    const people = {
      groupMembers: sinon.stub(),
      user: sinon.stub(),
      profile: sinon.stub().rejects(new PimError('forbidden', 'no User.Read.All')),
    };
    const listActive = sinon.stub().throws(new PimError('authenticationRequired', 'signed out'));
    const context = await readApprovalContext(
      { people: people as unknown as DirectoryPort, listActive, port: {} as ApprovalsPort, onError: (part) => errors.push(part) },
      ALICE,
      TARGET,
    );
    assert.deepEqual(context, {});
    assert.deepEqual(errors.sort(), ['active access', 'profile']);
  });
});
