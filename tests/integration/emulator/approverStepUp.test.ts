// Approver step-up at the emulator (issue 20), with the product's real clients: msal-node (on-behalf-of
// from the emulated SSO session, and the authorization-code + PKCE sign-in with a claims challenge),
// the Graph client (Entra roles at Graph beta steps, PIM groups at v1.0 stages) and the ARM SDK pipeline
// (roleAssignmentApprovals stages). With the tenant demanding a fresh MFA or an authentication context
// of approvers, Bob's decision on his SSO session is refused with the claims challenge and nothing is
// decided; after the sign-in page the same decision counts, and the token that made it passes the bot's
// own check (services/approvals/approverStepUpCheck.ts).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { createServices, type Services } from '../../../services';
import { checkApproverStepUp } from '../../../services/approvals/approverStepUpCheck';
import { readApproverSignIn } from '../../../services/approvals/approverStepUpPending';
import type { ApproverStepUpRequirement } from '../../../services/approvals/approverStepUpPolicy';
import type { Surface, UserContext } from '../../../services/pim/model';
import type { Resource } from '../../../services/identity/tokenProvider';
import { signInRedirect } from '../bot/requesterHarness';
import { rejectsWith, tenantServicesConfig } from '../services/servicesHarness';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call, RM } from './http';

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const AUTHZ = '/providers/Microsoft.Authorization';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const G = '/v1.0/identityGovernance/privilegedAccess/group';
const MFA_CHALLENGE = { access_token: { amr: { essential: true, values: ['mfa'] } } };
const REDIRECT = 'http://localhost:3978/auth/callback';

interface Pending {
  readonly surface: Surface;
  readonly requestId: string;
  readonly approvalId?: string;
  readonly status: () => Promise<string>;
}

describe('emulator: approval decisions that demand a stepped-up approver (real msal, Graph and ARM clients)', function () {
  this.timeout(30_000);
  let t: TenantEmulator;
  let services: Services;
  const alice = () => t.tokens.user({ userId: DEMO_USERS.alice.id });
  const bob = (): UserContext => ({ userId: DEMO_USERS.bob.id, tenantId: t.tenantId, displayName: 'Bob Brown' });

  before(async () => {
    t = await startTestTenant({ signIn: { sessionAgeSeconds: 3600 } });
  });
  after(() => t?.close());
  beforeEach(async () => {
    await t.reset();
    // A new services object per test: each starts with no stepped-up token held for Bob.
    services = createServices(tenantServicesConfig(t, { armBaseUrl: t.url }));
  });

  async function entraRequest(): Promise<Pending> {
    const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: alice(),
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.userAdministrator.id, { ticketInfo: { ticketNumber: 'INC-42' } }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.id as string;
    return {
      surface: 'entraRole',
      requestId: id,
      status: async () => (await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${id}`, { token: alice() })).json.status,
    };
  }

  async function groupRequest(): Promise<Pending> {
    const r = await call(t, 'POST', `${G}/assignmentScheduleRequests`, {
      token: alice(),
      body: {
        accessId: 'owner',
        principalId: DEMO_USERS.alice.id,
        groupId: DEMO_GROUPS.sreOnCall.id,
        action: 'selfActivate',
        justification: 'pager',
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.id as string;
    return {
      surface: 'group',
      requestId: id,
      status: async () => (await call(t, 'GET', `${G}/assignmentScheduleRequests/${id}`, { token: alice() })).json.status,
    };
  }

  async function azureRequest(): Promise<Pending> {
    const path = `${SUB}${AUTHZ}/roleAssignmentScheduleRequests/${randomUUID()}`;
    const token = t.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' });
    const r = await call(t, 'PUT', `${path}?api-version=2020-10-01`, {
      token,
      body: {
        properties: {
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: `${SUB}${AUTHZ}/roleDefinitions/${CONTRIBUTOR}`,
          requestType: 'SelfActivate',
          justification: 'deploy',
          scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        },
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return {
      surface: 'azureResource',
      requestId: r.json.id as string,
      approvalId: r.json.properties.approvalId as string,
      status: async () => (await call(t, 'GET', `${path}?api-version=2020-10-01`, { token })).json.properties.status,
    };
  }

  const decide = (p: Pending, decision: 'approve' | 'deny' = 'approve') =>
    services.approvals.decisions.decide(
      bob(),
      p.surface,
      p.requestId,
      DEMO_USERS.alice.id,
      decision,
      decision === 'deny' ? 'not now' : 'ok',
      p.approvalId,
    );

  /** Bob signs in on the emulator's page with `claims` (authorization code + PKCE through msal-node); the bot then holds that token. */
  async function stepUp(resource: Resource, claims: string): Promise<void> {
    const state = randomBytes(24).toString('base64url');
    const { url, codeVerifier } = await services.stepUp.startSignIn(bob(), { resource, claims, state, redirectUri: REDIRECT });
    const back = new URL(await signInRedirect(url));
    assert.equal(back.searchParams.get('state'), state);
    await services.stepUp.completeSignIn(bob(), {
      resource,
      claims,
      code: back.searchParams.get('code')!,
      codeVerifier,
      redirectUri: REDIRECT,
    });
  }

  /** The bot's own check on the token Bob's decision goes with (the held step-up token, else on-behalf-of). */
  async function botCheck(surface: Surface, requirement: ApproverStepUpRequirement) {
    return checkApproverStepUp(await readApproverSignIn(services.userTokens, bob(), surface), requirement, new Date());
  }

  const cases: Array<{ name: string; make: () => Promise<Pending>; resource: Resource; roleIds: string[] }> = [
    {
      name: 'Entra role (Graph beta roleAssignmentApprovals steps)',
      make: entraRequest,
      resource: 'graph',
      roleIds: [DEMO_ROLES.userAdministrator.id],
    },
    { name: 'PIM group (Graph v1.0 assignmentApprovals stages)', make: groupRequest, resource: 'graph', roleIds: ['owner'] },
    { name: 'Azure role (ARM roleAssignmentApprovals stages)', make: azureRequest, resource: 'arm', roleIds: [CONTRIBUTOR] },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      it('fresh MFA demanded: the SSO session (MFA an hour ago) is refused with the claims challenge; after the sign-in the approval counts', async () => {
        const pending = await c.make();
        t.stepUp.demand([{ surface: pending.surface, roleIds: c.roleIds, mfaWithinSeconds: 600 }]);
        const refused = await rejectsWith(decide(pending), 'authenticationRequired');
        assert.deepEqual(JSON.parse(refused.details.claims!), MFA_CHALLENGE);
        assert.equal(refused.details.upstreamCode, 'RoleAssignmentRequestAcrsValidationFailed');
        assert.equal(await pending.status(), 'PendingApproval', 'nothing decided');
        const before = await botCheck(pending.surface, { kind: 'mfa', withinMinutes: 10 });
        assert.equal(!before.satisfied && before.missing, 'freshSignIn', 'the bot sees the session (MFA an hour ago) is not fresh either');

        await stepUp(c.resource, JSON.stringify(MFA_CHALLENGE));
        const after = await botCheck(pending.surface, { kind: 'mfa', withinMinutes: 10 });
        assert.equal(after.satisfied && after.verifiedBy.method, 'mfa', 'the sign-in page made a fresh MFA sign-in');
        assert.ok(after.satisfied && Date.now() - Date.parse(after.verifiedBy.authTime!) < 60_000, 'auth_time is the sign-in just made');
        const decided = await decide(pending);
        assert.equal(decided.kind, 'decided');
        assert.equal(decided.kind === 'decided' && decided.outcome, 'approved');
        assert.match(await pending.status(), /^(Provisioned|Granted)$/);
      });

      it('authentication context demanded: a deny without acrs is refused; with the sign-in for c1 it counts', async () => {
        const pending = await c.make();
        t.stepUp.demand([{ surface: pending.surface, acrs: 'c1' }]);
        const refused = await rejectsWith(decide(pending, 'deny'), 'authenticationRequired');
        assert.equal(refused.details.claims, '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
        assert.equal(await pending.status(), 'PendingApproval');
        await stepUp(c.resource, refused.details.claims!);
        assert.deepEqual((await botCheck(pending.surface, { kind: 'acrs', id: 'c1' })).satisfied, true);
        const decided = await decide(pending, 'deny');
        assert.equal(decided.kind === 'decided' && decided.outcome, 'denied');
        assert.equal(await pending.status(), 'Denied');
      });
    });
  }

  it('a demand for other roles, or none at all (the default), leaves decisions as they were', async () => {
    const other = await entraRequest();
    t.stepUp.demand([
      { surface: 'entraRole', roleIds: [DEMO_ROLES.securityAdministrator.id], mfaWithinSeconds: 600 },
      { surface: 'group', acrs: 'c1' },
    ]);
    assert.equal((await decide(other)).kind, 'decided');
    t.stepUp.clear();
    const plain = await groupRequest();
    assert.equal((await decide(plain)).kind, 'decided');
  });

  it('a session without MFA at all is refused even right after signing in; a stranger still gets 403, not a challenge', async () => {
    t.stepUp.signIn({ sessionAmr: ['pwd'], sessionAgeSeconds: 0 });
    t.stepUp.demand([{ surface: 'entraRole', mfaWithinSeconds: 600 }]);
    const pending = await entraRequest();
    await rejectsWith(decide(pending), 'authenticationRequired');
    const step = (
      await call(t, 'GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${pending.requestId}`, {
        token: t.tokens.user({ userId: DEMO_USERS.bob.id }),
      })
    ).json.steps[0].id as string;
    const erin = await call(t, 'PATCH', `/beta/roleManagement/directory/roleAssignmentApprovals/${pending.requestId}/steps/${step}`, {
      token: t.tokens.user({ userId: DEMO_USERS.erin.id }),
      body: { reviewResult: 'Approve', justification: 'x' },
    });
    assert.equal(erin.status, 403);
    const fresh = await call(t, 'PATCH', `/beta/roleManagement/directory/roleAssignmentApprovals/${pending.requestId}/steps/${step}`, {
      token: t.tokens.user({ userId: DEMO_USERS.bob.id, amr: ['pwd', 'mfa'], authTime: new Date(Date.now() - 11 * 60_000) }),
      body: { reviewResult: 'Approve', justification: 'x' },
    });
    assert.equal(fresh.status, 400, 'a stale auth_time');
    assert.equal(fresh.json.error.code, 'RoleAssignmentRequestAcrsValidationFailed');
    assert.equal(decodeURIComponent(fresh.json.error.message.replace(/^&claims=/, '')), JSON.stringify(MFA_CHALLENGE));
  });

  it("a tenant whose sign-in does no MFA: the step-up token still lacks it, and both the bot's check and PIM say so", async () => {
    t.stepUp.signIn({ signInAmr: ['pwd'] });
    t.stepUp.demand([{ surface: 'entraRole', mfaWithinSeconds: 600 }]);
    const pending = await entraRequest();
    await stepUp('graph', JSON.stringify(MFA_CHALLENGE));
    const check = await botCheck('entraRole', { kind: 'mfa', withinMinutes: 10 });
    assert.equal(!check.satisfied && check.missing, 'mfa');
    await rejectsWith(decide(pending), 'authenticationRequired');
    assert.equal(await pending.status(), 'PendingApproval');
  });

  it('the control endpoint switches the same settings for out-of-process tests, and refuses bad ones', async () => {
    const post = (body: unknown) =>
      fetch(`${t.url}/emulator/step-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post({ demand: [{ surface: 'entraRole', mfaWithinSeconds: 600 }] })).status, 204);
    const pending = await entraRequest();
    await rejectsWith(decide(pending), 'authenticationRequired');
    const bad = await post({ demand: [{ surface: 'aws' }] });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /surface must be/);
    assert.equal((await post({ clear: true })).status, 204);
    assert.equal((await decide(pending)).kind, 'decided');
  });
});
