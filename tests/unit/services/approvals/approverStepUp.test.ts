// Approver step-up (issue 20): the setting's parse and defaults, which approvals need it, and whether an
// approver's token claims prove it (fresh MFA, stale auth_time, missing amr, wrong acrs).
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../../bot/config';
import { DEMO_TENANT_ID } from '../../../../emulator/tenant/demoTenant';
import {
  approverSignInFromClaims,
  checkApproverStepUp,
  claimsChallengeFor,
  type ApproverSignIn,
} from '../../../../services/approvals/approverStepUpCheck';
import {
  approvalUnderPolicy,
  approverStepUpFor,
  parseApproverStepUp,
  requirementInWords,
  scopeKindOf,
  type ApprovalUnderPolicy,
  type ApproverStepUpPolicy,
} from '../../../../services/approvals/approverStepUpPolicy';

const SUB = '/subscriptions/5b1e0000-0000-4000-8000-0000000000b1';
const OWNER_ID = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`;
const CONTRIBUTOR_ID = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const READER_ID = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

function policy(text: string): ApproverStepUpPolicy {
  const parsed = parseApproverStepUp(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.policy;
}

function error(text: string): string {
  const parsed = parseApproverStepUp(text);
  assert.equal(parsed.ok, false, `"${text}" should be refused`);
  return parsed.ok ? '' : parsed.error;
}

const entra = (roleName: string, privileged: boolean | undefined, roleId = USER_ADMIN): ApprovalUnderPolicy => ({
  surface: 'entraRole',
  roleId,
  roleName,
  ...(privileged === undefined ? {} : { privileged }),
  scopeKind: 'directory',
});
const azure = (roleName: string, roleId: string, scopeId: string): ApprovalUnderPolicy => ({
  surface: 'azureResource',
  roleId,
  roleName,
  scopeKind: scopeKindOf('azureResource', scopeId),
});
const group = (roleName: 'member' | 'owner'): ApprovalUnderPolicy => ({ surface: 'group', roleId: roleName, roleName, scopeKind: 'group' });

describe('approver step-up policy (APPROVER_STEP_UP)', () => {
  it('default: privileged Entra roles, and Azure Owner/Contributor/User Access Administrator at subscription or management group, need MFA within 10 minutes', () => {
    const p = policy('default');
    const mfa10 = { kind: 'mfa', withinMinutes: 10 };
    assert.deepEqual(approverStepUpFor(p, entra('User Administrator', true)), mfa10);
    assert.deepEqual(approverStepUpFor(p, entra('Role of unknown privilege', undefined)), mfa10, 'unknown privilege fails closed');
    assert.equal(approverStepUpFor(p, entra('Global Reader', false, GLOBAL_READER)), undefined);
    assert.deepEqual(approverStepUpFor(p, azure('Contributor', CONTRIBUTOR_ID, SUB)), mfa10);
    assert.deepEqual(approverStepUpFor(p, azure('Owner', OWNER_ID, '/providers/Microsoft.Management/managementGroups/contoso')), mfa10);
    assert.deepEqual(
      approverStepUpFor(p, azure('User Access Administrator', 'x', '/')),
      mfa10,
      'the tenant root is above every subscription',
    );
    assert.equal(
      approverStepUpFor(p, azure('Contributor', CONTRIBUTOR_ID, `${SUB}/resourceGroups/rg-web`)),
      undefined,
      'a resource group is not in the default',
    );
    assert.equal(approverStepUpFor(p, azure('Reader', READER_ID, SUB)), undefined);
    assert.equal(approverStepUpFor(p, group('owner')), undefined);
    assert.deepEqual(policy(''), p, 'empty = default');
  });

  it('off: nothing needs a step-up', () => {
    assert.deepEqual(policy(' OFF '), []);
    assert.equal(approverStepUpFor(policy('off'), entra('Global Administrator', true)), undefined);
  });

  it('rules: first match wins, "default" expands in place, names and GUIDs, scopes, mfa and acrs', () => {
    const p = policy(
      'entra:User Administrator=none; default ; group:*=acrs:c2; azure:b24988ac-6180-42a0-ab88-20f7382dd24c@resourceGroup=acrs:c3; *:*=mfa:30',
    );
    assert.equal(
      approverStepUpFor(p, entra('User  administrator', true)),
      undefined,
      'an earlier "none" wins over the default; names fold case and spaces',
    );
    assert.deepEqual(approverStepUpFor(p, entra('Security Administrator', true, '194ae4cb-b126-40b2-bd5b-6091b380977d')), {
      kind: 'mfa',
      withinMinutes: 10,
    });
    assert.deepEqual(approverStepUpFor(p, group('member')), { kind: 'acrs', id: 'c2' });
    assert.deepEqual(
      approverStepUpFor(p, azure('Contributor', CONTRIBUTOR_ID, `${SUB}/resourceGroups/rg-web`)),
      { kind: 'acrs', id: 'c3' },
      'the role definition id ends in the GUID',
    );
    assert.deepEqual(
      approverStepUpFor(p, azure('Reader', READER_ID, `${SUB}/resourceGroups/rg-web`)),
      { kind: 'mfa', withinMinutes: 30 },
      'the catch-all',
    );
    assert.deepEqual(
      approverStepUpFor(policy(`entra:${USER_ADMIN}=acrs:c1`), entra('Renamed', true)),
      { kind: 'acrs', id: 'c1' },
      'template id',
    );
  });

  it('reads an approval record the way the decide path will hand it over', () => {
    const record = {
      surface: 'azureResource' as const,
      request: {
        roleId: CONTRIBUTOR_ID,
        roleName: 'Contributor',
        scopeId: SUB,
        scopeName: 'Contoso Prod',
        startDateTime: '',
        endDateTime: '',
        createdDateTime: '',
        justification: null,
        ticket: null,
      },
    };
    assert.deepEqual(approvalUnderPolicy(record), {
      surface: 'azureResource',
      roleId: CONTRIBUTOR_ID,
      roleName: 'Contributor',
      scopeKind: 'subscription',
    });
    assert.deepEqual(approverStepUpFor(policy('default'), approvalUnderPolicy(record)), { kind: 'mfa', withinMinutes: 10 });
    const old = {
      ...record,
      surface: 'entraRole' as const,
      request: { ...record.request, roleId: GLOBAL_READER, roleName: 'Global Reader', scopeId: '/' },
    };
    assert.deepEqual(
      approverStepUpFor(policy('default'), approvalUnderPolicy(old)),
      { kind: 'mfa', withinMinutes: 10 },
      'a record without context (privilege unknown) fails closed',
    );
    assert.equal(
      approverStepUpFor(policy('default'), approvalUnderPolicy({ ...old, context: { role: { privileged: false } } })),
      undefined,
    );
  });

  it("reads scope kinds from the record's scope id", () => {
    assert.equal(scopeKindOf('azureResource', SUB), 'subscription');
    assert.equal(scopeKindOf('azureResource', `${SUB}/resourceGroups/rg-web`), 'resourceGroup');
    assert.equal(scopeKindOf('azureResource', `${SUB}/resourceGroups/rg-web/providers/Microsoft.Web/sites/app`), 'resource');
    assert.equal(scopeKindOf('azureResource', '/providers/Microsoft.Management/managementGroups/mg1'), 'managementGroup');
    assert.equal(scopeKindOf('entraRole', '/'), 'directory');
    assert.equal(scopeKindOf('group', 'g'), 'group');
  });

  it('refuses bad settings with a message naming the rule', () => {
    assert.match(error('entra:privileged'), /rule 1 \("entra:privileged"\): has no "<surface>:<roles>=<requirement>"/);
    assert.match(error('entra=mfa:10'), /no ":" between the surface and the roles/);
    assert.match(error('default;aws:*=mfa:10'), /rule 2 .*"aws" is not a surface/);
    assert.match(error('entra:*=mfa'), /MFA needs its freshness in minutes/);
    assert.match(error('entra:*=mfa:0'), /between 1 and 1440/);
    assert.match(error('entra:*=mfa:99999'), /freshness in minutes/);
    assert.match(error('entra:*=acrs:p1'), /c1 to c99/);
    assert.match(error('entra:*=sms'), /is not a requirement/);
    assert.match(error('azure:privileged=mfa:10'), /"privileged" applies to Entra roles only/);
    assert.match(error('azure:Owner@tenant=mfa:10'), /"tenant" is not a scope kind/);
    assert.match(error('entra:Owner,,Reader=mfa:10'), /empty role name/);
    assert.match(error('entra:=mfa:10'), /names no roles/);
    assert.match(error('default;off'), /"off" stands alone/);
  });

  it('parses a long hostile setting (linear: one pass per rule) and refuses an overlong one', () => {
    const many = policy(`entra:${'a,'.repeat(1_900)}b=mfa:10`);
    assert.equal((many[0]!.roles as readonly string[]).length, 1_901);
    assert.match(error(`entra:x${'@'.repeat(3_900)}=mfa:10`), /is not a scope kind/);
    assert.match(error('x'.repeat(4_001)), /longer than 4000/);
  });

  it('says the requirement in words', () => {
    assert.equal(requirementInWords({ kind: 'mfa', withinMinutes: 10 }), 'MFA (within 10 minutes)');
    assert.equal(requirementInWords({ kind: 'acrs', id: 'c1' }), 'authentication context c1');
  });

  describe('bot/config', () => {
    const LOCAL = {
      LOCAL_TENANT_URL: 'https://localhost:8443',
      LOCAL_TENANT_ID: DEMO_TENANT_ID,
      LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
      LOCAL_CLIENT_SECRET: 's3cret-value',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true;',
    };

    it('unset is the default policy; a rule list is parsed once', () => {
      assert.deepEqual(loadConfig(LOCAL).approverStepUp, policy('default'));
      assert.deepEqual(loadConfig({ ...LOCAL, APPROVER_STEP_UP: 'group:*=acrs:c2' }).approverStepUp, [
        { surface: 'group', roles: 'any', requirement: { kind: 'acrs', id: 'c2' } },
      ]);
    });

    it('a bad value stops the start with a clear error', () => {
      assert.throws(
        () => loadConfig({ ...LOCAL, APPROVER_STEP_UP: 'entra:*=sometimes' }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.equal(e.setting, 'APPROVER_STEP_UP');
          assert.match(e.message, /^APPROVER_STEP_UP: rule 1 .*is not a requirement/);
          return true;
        },
      );
    });
  });
});

describe('approver step-up token check', () => {
  const now = new Date('2026-12-02T10:02:00Z');
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const mfa10 = { kind: 'mfa', withinMinutes: 10 } as const;
  const c1 = { kind: 'acrs', id: 'c1' } as const;
  const signIn = (o: Partial<ApproverSignIn>): ApproverSignIn => ({ amr: ['pwd', 'mfa'], acrs: [], ...o });

  it('a fresh MFA sign-in satisfies mfa:10 and is recorded with its time', () => {
    assert.deepEqual(checkApproverStepUp(signIn({ authTime: minutesAgo(3) }), mfa10, now), {
      satisfied: true,
      verifiedBy: { method: 'mfa', authTime: '2026-12-02T09:59:00.000Z' },
    });
  });

  it('a stale auth_time, a missing one, or one far in the future asks for a fresh sign-in', () => {
    for (const authTime of [minutesAgo(11), undefined, new Date(now.getTime() + 60 * 60_000)]) {
      const r = checkApproverStepUp(signIn(authTime ? { authTime } : {}), mfa10, now);
      assert.equal(r.satisfied, false);
      assert.equal(!r.satisfied && r.missing, 'freshSignIn');
      assert.deepEqual(!r.satisfied && JSON.parse(r.claimsChallenge), { access_token: { amr: { essential: true, values: ['mfa'] } } });
    }
  });

  it('a sign-in without MFA in amr is refused however fresh', () => {
    const r = checkApproverStepUp(signIn({ amr: ['pwd'], authTime: minutesAgo(0) }), mfa10, now);
    assert.equal(!r.satisfied && r.missing, 'mfa');
  });

  it('an authentication context needs that acrs value; another one does not do', () => {
    const wrong = checkApproverStepUp(signIn({ acrs: ['c2'], authTime: minutesAgo(0) }), c1, now);
    assert.equal(!wrong.satisfied && wrong.missing, 'authContext');
    assert.equal(!wrong.satisfied && wrong.claimsChallenge, '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
    assert.deepEqual(checkApproverStepUp(signIn({ acrs: ['c2', 'c1'], authTime: minutesAgo(90) }), c1, now), {
      satisfied: true,
      verifiedBy: { method: 'acrs', acrs: 'c1', authTime: minutesAgo(90).toISOString() },
    });
  });

  it('no requirement: the session counts', () => {
    assert.deepEqual(checkApproverStepUp(signIn({ amr: ['pwd'] }), undefined, now), { satisfied: true, verifiedBy: { method: 'session' } });
  });

  it('reads amr, acrs and auth_time from token claims, ignoring malformed values', () => {
    assert.deepEqual(approverSignInFromClaims({ amr: ['pwd', 'mfa', 3], acrs: ['c1'], auth_time: 1_796_205_600 }), {
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
      authTime: new Date(1_796_205_600_000),
    });
    assert.deepEqual(approverSignInFromClaims({ amr: 'mfa', auth_time: '1796205600' }), { amr: [], acrs: [] });
    assert.equal(claimsChallengeFor(c1), '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
  });
});
