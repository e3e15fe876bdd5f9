import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { constraintsFromRules } from '../../../../services/policy/constraints';
import { ruleKindOf } from '../../../../services/policy/rules';

const contracts = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'contracts');
const readJson = (rel: string): unknown => JSON.parse(readFileSync(path.join(contracts, rel), 'utf8'));

interface GraphAssignments {
  value: Array<{ policy: { rules: unknown[] } }>;
}

function defaultDirectoryRoleRules(): unknown[] {
  const body = readJson(
    'policies/roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules.response.json',
  ) as GraphAssignments;
  return body.value[0]!.policy.rules;
}

/** Replaces the rule with the given id by the PATCH body Microsoft documents for it. */
function withRule(rules: unknown[], patchFile: string): unknown[] {
  const patched = (readJson(`policies/${patchFile}`) as { body: { id: string } }).body;
  return rules.map((r) => ((r as { id: string }).id === patched.id ? patched : r));
}

describe('services/policy rules → constraints', () => {
  it("reads Microsoft's default Entra role policy (17 rules)", () => {
    const rules = defaultDirectoryRoleRules();
    assert.equal(rules.length, 17);
    assert.deepEqual(constraintsFromRules(rules), {
      maxDurationMinutes: 480,
      minDurationMinutes: 5,
      requiresJustification: true,
      requiresTicket: false,
      requiresMfa: true,
      authenticationContext: null,
      requiresApproval: false,
      approvers: [],
    });
  });

  it('reads the documented PT1H45M maximum', () => {
    const rules = withRule(defaultDirectoryRoleRules(), 'roleManagementPolicyRule.update.expiration-enduser-assignment.request.json');
    assert.equal(constraintsFromRules(rules).maxDurationMinutes, 105);
  });

  it('reads justification + MFA + ticketing', () => {
    const c = constraintsFromRules(
      withRule(
        defaultDirectoryRoleRules(),
        'roleManagementPolicyRule.update.enablement-enduser-assignment.justification-mfa-ticketing.request.json',
      ),
    );
    assert.equal(c.requiresJustification, true);
    assert.equal(c.requiresMfa, true);
    assert.equal(c.requiresTicket, true);
  });

  it('reads approval with singleUser and groupMembers approvers', () => {
    const c = constraintsFromRules(
      withRule(defaultDirectoryRoleRules(), 'roleManagementPolicyRule.update.approval-enduser-assignment.require-approval.request.json'),
    );
    assert.equal(c.requiresApproval, true);
    assert.deepEqual(c.approvers, [
      { kind: 'user', id: '10a08e2e-3ea2-4ce0-80cb-d5fdd4b05ea6' },
      { kind: 'group', id: '14f2746d-7d6f-4ac6-acd8-8cac318b041b' },
    ]);
  });

  it('ignores admin rules that look like end-user ones', () => {
    // Enablement_Admin_Assignment requires MFA here, but activation (EndUser) rules are unchanged.
    const base = defaultDirectoryRoleRules().map((r) =>
      (r as { id: string }).id === 'Enablement_EndUser_Assignment' ? { ...(r as object), enabledRules: [] } : r,
    );
    const c = constraintsFromRules(withRule(base, 'roleManagementPolicyRule.update.enablement-admin-assignment.request.json'));
    assert.equal(c.requiresMfa, false);
    assert.equal(c.requiresJustification, false);
  });

  it('reads an authentication context only when enabled', () => {
    const rules = defaultDirectoryRoleRules().map((r) =>
      (r as { id: string }).id === 'AuthenticationContext_EndUser_Assignment' ? { ...(r as object), isEnabled: true, claimValue: 'c1' } : r,
    );
    assert.equal(constraintsFromRules(rules).authenticationContext, 'c1');
    const disabled = defaultDirectoryRoleRules().map((r) =>
      (r as { id: string }).id === 'AuthenticationContext_EndUser_Assignment'
        ? { ...(r as object), isEnabled: false, claimValue: 'c1' }
        : r,
    );
    assert.equal(constraintsFromRules(disabled).authenticationContext, null);
  });

  it('matches enum values and type names case-insensitively', () => {
    const c = constraintsFromRules([
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'enablement_enduser_assignment',
        enabledRules: ['justification', 'TICKETING'],
      },
    ]);
    assert.equal(c.requiresJustification, true);
    assert.equal(c.requiresTicket, true);
  });

  it('falls back to PIM defaults when rules are missing or unreadable', () => {
    assert.equal(constraintsFromRules([]).maxDurationMinutes, 480);
    assert.equal(
      constraintsFromRules([
        {
          '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
          id: 'Expiration_EndUser_Assignment',
          maximumDuration: 'P1Y',
        },
      ]).maxDurationMinutes,
      480,
    );
    assert.deepEqual(constraintsFromRules([null, 3, 'x', {}]).approvers, []);
  });

  it('asks for a justification when an approver will read the request', () => {
    const c = constraintsFromRules([
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
        id: 'Approval_EndUser_Assignment',
        setting: { isApprovalRequired: true, isRequestorJustificationRequired: true, approvalStages: [{ primaryApprovers: [] }] },
      },
    ]);
    assert.equal(c.requiresApproval, true);
    assert.equal(c.requiresJustification, true);
  });

  describe('ARM dialect (ruleType)', () => {
    it("reads Microsoft's ARM policy example the same way", () => {
      const body = readJson('arm/roleManagementPolicies.get.response.json') as { properties: { rules: unknown[] } };
      const c = constraintsFromRules(body.properties.rules);
      assert.equal(c.maxDurationMinutes, 7 * 60);
      assert.equal(c.requiresJustification, true);
      assert.equal(c.requiresTicket, true);
      assert.equal(c.requiresMfa, true);
      assert.equal(c.authenticationContext, null);
      assert.equal(c.requiresApproval, true);
      assert.deepEqual(c.approvers, [
        { kind: 'group', id: '2385b0f3-5fa9-43cf-8ca4-b01dc97298cd', displayName: 'amansw_new_group' },
        { kind: 'group', id: '2f4913c9-d15b-406a-9946-1d66a28f2690', displayName: 'amansw_group' },
      ]);
    });

    it('recognises rule kinds in both dialects', () => {
      assert.equal(ruleKindOf({ ruleType: 'RoleManagementPolicyExpirationRule' }), 'expiration');
      assert.equal(
        ruleKindOf({ '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule' }),
        'authenticationContext',
      );
      assert.equal(ruleKindOf({ ruleType: 'RoleManagementPolicyNotificationRule' }), 'notification');
      assert.equal(ruleKindOf({}), 'unknown');
    });
  });
});
