// A PIM audit entry names its role where it applies, by the surface its category says: a group's
// membership with the group, an Azure role with its resource, an Entra role alone.
import assert from 'node:assert/strict';
import { auditToActivity } from '../../../../services/admin/mapping';

function audit(category: string, targets: Array<{ type: string; displayName: string }>): unknown {
  return {
    activityDateTime: '2025-03-03T10:00:00Z',
    activityDisplayName: 'Add member to role completed (PIM activation)',
    category,
    result: 'success',
    initiatedBy: { user: { id: '0a11ce00-0000-4000-8000-000000000001', displayName: 'Alice Adams' } },
    targetResources: [
      { type: 'User', displayName: 'Alice Adams', id: '0a11ce00-0000-4000-8000-000000000001' },
      ...targets.map((t, i) => ({ ...t, id: `t${i}` })),
    ],
  };
}

describe('services/admin audit entries by surface', () => {
  it('names each surface the way its people read it', () => {
    const entra = auditToActivity(
      audit('RoleManagement', [
        { type: 'Role', displayName: 'Global Reader' },
        { type: 'Resource', displayName: 'Contoso Prod' },
      ]),
    );
    const group = auditToActivity(
      audit('GroupManagement', [
        { type: 'Role', displayName: 'Member' },
        { type: 'Group', displayName: 'SRE On-Call' },
      ]),
    );
    const azure = auditToActivity(
      audit('ResourceManagement', [
        { type: 'Role', displayName: 'Contributor' },
        { type: 'Resource', displayName: 'Contoso Prod' },
      ]),
    );
    assert.deepEqual(
      [entra, group, azure].map((e) => [e?.surface, e?.roleName]),
      [
        ['entraRole', 'Global Reader'],
        ['group', 'SRE On-Call (member)'],
        ['azureResource', 'Contributor on Contoso Prod'],
      ],
    );
  });

  it('reads an unknown category as an Entra role, named alone', () => {
    const entry = auditToActivity(
      audit('Other', [
        { type: 'Role', displayName: 'Global Reader' },
        { type: 'Group', displayName: 'SRE On-Call' },
      ]),
    );
    assert.deepEqual([entry?.surface, entry?.roleName], ['entraRole', 'Global Reader']);
  });
});
