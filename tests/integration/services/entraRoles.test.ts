// Services against the local tenant emulator with the real SDK clients: msal-node's on-behalf-of
// flow and the Microsoft Graph client. Nothing is stubbed.

import assert from 'node:assert/strict';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { createServices, type Services, type ServicesConfig } from '../../../services';
import { MsalTokenClient } from '../../../services/identity/msalTokenClient';
import { LocalSsoUserTokenProvider } from '../../../services/identity/localSsoUserTokenProvider';
import { EntraRoleProvider } from '../../../services/pim/entra/entraRoleProvider';
import type { PimErrorKind } from '../../../services/pim/errors';
import { GraphApi } from '../../../services/pim/graph/graphApi';
import { eligibilityKey, type Eligibility, type UserContext } from '../../../services/pim/model';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { rejectsWith, tenantServicesConfig } from './servicesHarness';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const ROLE_KEY = {
  globalReader: eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id),
  userAdministrator: eligibilityKey('entraRole', '/', DEMO_ROLES.userAdministrator.id),
  securityAdministrator: eligibilityKey('entraRole', '/', DEMO_ROLES.securityAdministrator.id),
};

describe('services against the tenant emulator (real msal-node + Graph client)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  let alice: UserContext;
  let erin: UserContext;

  function config(overrides: Partial<ServicesConfig> = {}): ServicesConfig {
    return tenantServicesConfig(tenant, overrides);
  }

  /** The provider alone, with no PimService validation in front: PIM's own refusals come back. */
  function rawProvider(): EntraRoleProvider {
    const msal = new MsalTokenClient({
      clientId: tenant.botApp.clientId,
      clientSecret: tenant.botApp.clientSecret,
      authority: tenant.authority,
      knownAuthorities: [tenant.knownAuthority],
    });
    const tokens = new LocalSsoUserTokenProvider({
      emulatorUrl: tenant.url,
      tenantId: tenant.tenantId,
      botClientId: tenant.botApp.clientId,
      msal,
    });
    return new EntraRoleProvider({ graph: new GraphApi({ baseUrl: tenant.url, retry: { maxRetries: 0, delaySeconds: 0 } }), tokens });
  }

  async function eligibilityOf(provider: EntraRoleProvider, user: UserContext, key: string): Promise<Eligibility> {
    const found = (await provider.listEligibilities(user)).find((e) => e.key === key);
    assert.ok(found, `${key} listed`);
    return found;
  }

  before(async () => {
    // A small page size makes every list follow @odata.nextLink.
    tenant = await startTestTenant({ pageSize: 1 });
    alice = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.alice.displayName };
    erin = { userId: DEMO_USERS.erin.id, tenantId: tenant.tenantId };
  });
  after(async () => tenant?.close());

  let services: Services;
  beforeEach(async () => {
    await tenant.reset();
    tenant.faults.clear();
    tenant.requestLog.clear();
    services = createServices(config());
  });

  it("lists Alice's Entra eligibilities with the constraints of each role's policy", async () => {
    // The other surfaces are covered in surfaces.test.ts.
    const list = (await services.pim.listEligibilities(alice)).filter((e) => e.eligibility.surface === 'entraRole');
    const eligibilityPages = tenant.requestLog.entries().filter((e) => e.path.includes('roleEligibilityScheduleInstances'));
    assert.equal(eligibilityPages.length, 3, 'one page per eligibility at page size 1: @odata.nextLink was followed');
    const byKey = new Map(list.map((e) => [e.eligibility.key, e]));
    assert.deepEqual([...byKey.keys()].sort(), Object.values(ROLE_KEY).sort());

    const reader = byKey.get(ROLE_KEY.globalReader)!;
    assert.equal(reader.eligibility.roleName, 'Global Reader');
    assert.equal(reader.eligibility.principalId, alice.userId);
    assert.deepEqual(reader.constraints, {
      maxDurationMinutes: 480,
      minDurationMinutes: 5,
      requiresJustification: true,
      requiresTicket: false,
      requiresMfa: false,
      authenticationContext: null,
      requiresApproval: false,
      approvers: [],
    });

    const userAdmin = byKey.get(ROLE_KEY.userAdministrator)!;
    assert.equal(userAdmin.eligibility.roleName, 'User Administrator');
    assert.equal(userAdmin.constraints.maxDurationMinutes, 240);
    assert.equal(userAdmin.constraints.requiresApproval, true);
    assert.equal(userAdmin.constraints.requiresTicket, true);
    assert.equal(userAdmin.constraints.requiresJustification, true);
    assert.deepEqual(
      userAdmin.constraints.approvers.map((a) => [a.kind, a.id]),
      [['group', DEMO_GROUPS.pimApprovers.id]],
    );

    const secAdmin = byKey.get(ROLE_KEY.securityAdministrator)!;
    assert.equal(secAdmin.eligibility.roleName, 'Security Administrator');
    assert.equal(secAdmin.constraints.maxDurationMinutes, 120);
    assert.equal(secAdmin.constraints.authenticationContext, 'c1');
    assert.equal(secAdmin.constraints.requiresApproval, false);
  });

  it('Erin has no eligibilities and nothing active', async () => {
    assert.deepEqual(await services.pim.listEligibilities(erin), []);
    assert.deepEqual(await services.pim.listActive(erin), []);
  });

  it('activates Global Reader and then sees it active', async () => {
    assert.equal((await services.pim.listActive(alice)).length, 0);
    const request = await services.pim.activate(alice, {
      eligibilityKey: ROLE_KEY.globalReader,
      durationMinutes: 60,
      justification: 'Quarterly access review',
    });
    assert.equal(request.status, 'provisioned');
    assert.equal(request.roleName, 'Global Reader');
    assert.equal(request.principalId, alice.userId);
    assert.equal(request.justification, 'Quarterly access review');
    assert.equal(request.endDateTime.getTime() - request.startDateTime.getTime(), 60 * 60_000);

    const active = await services.pim.listActive(alice);
    const reader = active.find((a) => a.key === ROLE_KEY.globalReader);
    assert.ok(reader, 'Global Reader is active');
    assert.equal(reader.assignmentType, 'activated');
    assert.equal(reader.roleName, 'Global Reader');
    assert.ok(reader.endDateTime && Math.abs(reader.endDateTime.getTime() - request.endDateTime.getTime()) < 1000);
  });

  it('User Administrator with justification and ticket waits for approval', async () => {
    const request = await services.pim.activate(alice, {
      eligibilityKey: ROLE_KEY.userAdministrator,
      durationMinutes: 120,
      justification: 'Fixing login',
      ticket: { number: 'INC-42', system: 'ServiceNow' },
    });
    assert.equal(request.status, 'pendingApproval');
    assert.deepEqual(request.ticket, { number: 'INC-42', system: 'ServiceNow' });
    const fetched = await rawProvider().getRequest(alice, request.id);
    assert.equal(fetched.id, request.id);
    assert.equal(fetched.status, 'pendingApproval');
    assert.equal(fetched.roleName, 'User Administrator');
  });

  it('a warm activation costs exactly one upstream call', async () => {
    await services.pim.listEligibilities(alice);
    tenant.requestLog.clear();
    await services.pim.activate(alice, { eligibilityKey: ROLE_KEY.globalReader, durationMinutes: 30, justification: 'warm path' });
    const calls = tenant.requestLog.entries().map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(calls, ['POST /v1.0/roleManagement/directory/roleAssignmentScheduleRequests']);
  });

  describe('refusals the service catches before sending', () => {
    const cases: Array<{
      name: string;
      key: keyof typeof ROLE_KEY;
      minutes: number;
      justification?: string;
      ticket?: boolean;
      kind: PimErrorKind;
      rules?: string[];
    }> = [
      {
        name: 'over the 8 h maximum',
        key: 'globalReader',
        minutes: 481,
        justification: 'x',
        kind: 'policyViolation',
        rules: ['ExpirationRule'],
      },
      {
        name: 'over the 4 h maximum',
        key: 'userAdministrator',
        minutes: 241,
        justification: 'x',
        ticket: true,
        kind: 'policyViolation',
        rules: ['ExpirationRule'],
      },
      { name: 'under 5 minutes', key: 'globalReader', minutes: 4, justification: 'x', kind: 'durationTooShort' },
      {
        name: 'no justification',
        key: 'globalReader',
        minutes: 60,
        justification: '  ',
        kind: 'policyViolation',
        rules: ['JustificationRule'],
      },
      { name: 'no ticket', key: 'userAdministrator', minutes: 60, justification: 'x', kind: 'policyViolation', rules: ['TicketingRule'] },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.kind}, nothing sent`, async () => {
        await services.pim.listEligibilities(alice);
        tenant.requestLog.clear();
        await rejectsWith(
          services.pim.activate(alice, {
            eligibilityKey: ROLE_KEY[c.key],
            durationMinutes: c.minutes,
            justification: c.justification,
            ticket: c.ticket ? { number: 'INC-1' } : undefined,
          }),
          c.kind,
          (e) => c.rules && assert.deepEqual(e.details.rules, c.rules),
        );
        assert.deepEqual(tenant.requestLog.entries(), []);
      });
    }

    it("Erin activating Alice's role → notEligible, nothing sent", async () => {
      await rejectsWith(
        services.pim.activate(erin, { eligibilityKey: ROLE_KEY.globalReader, durationMinutes: 60, justification: 'x' }),
        'notEligible',
      );
      assert.ok(!tenant.requestLog.entries().some((e) => e.method === 'POST' && e.path.includes('roleAssignmentScheduleRequests')));
    });
  });

  describe("refusals PIM itself makes (the provider alone, so the emulator's checks answer)", () => {
    let provider: EntraRoleProvider;
    beforeEach(() => {
      provider = rawProvider();
    });

    it('over the maximum → policyViolation [ExpirationRule]', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.globalReader);
      await rejectsWith(
        provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 9 * 60, justification: 'x' }),
        'policyViolation',
        (err) => assert.ok(err.details.rules?.includes('ExpirationRule')),
      );
    });

    it('under 5 minutes → durationTooShort', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.globalReader);
      await rejectsWith(provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 4, justification: 'x' }), 'durationTooShort');
    });

    it('no justification → policyViolation [JustificationRule]', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.globalReader);
      await rejectsWith(provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60 }), 'policyViolation', (err) =>
        assert.ok(err.details.rules?.includes('JustificationRule')),
      );
    });

    it('no ticket → policyViolation [TicketingRule]', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.userAdministrator);
      await rejectsWith(
        provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x' }),
        'policyViolation',
        (err) => assert.ok(err.details.rules?.includes('TicketingRule')),
      );
    });

    it('activating twice → alreadyActive', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.globalReader);
      await provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x' });
      await rejectsWith(provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x' }), 'alreadyActive');
    });

    it('Security Administrator without step-up → authenticationRequired with the acrs c1 claims, also after retrying with them', async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.securityAdministrator);
      const first = await rejectsWith(
        provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x' }),
        'authenticationRequired',
      );
      const claims = first.details.claims;
      assert.ok(claims, 'claims challenge decoded');
      assert.equal((JSON.parse(claims) as { access_token: { acrs: { value: string } } }).access_token.acrs.value, 'c1');
      // The emulated Teams SSO session has no c1 step-up, so msal's on-behalf-of with the claims needs interaction.
      const second = await rejectsWith(
        provider.activate(alice, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x', claims }),
        'authenticationRequired',
      );
      assert.ok(second.details.claims?.includes('c1'));
    });

    it("activating someone else's eligibility → PIM refuses it as notEligible", async () => {
      const e = await eligibilityOf(provider, alice, ROLE_KEY.globalReader);
      await rejectsWith(provider.activate(erin, e, { eligibilityKey: e.key, durationMinutes: 60, justification: 'x' }), 'notEligible');
    });
  });

  describe('upstream trouble', () => {
    it('429 → throttled with Retry-After', async () => {
      tenant.faults.add({ kind: 'throttle', retryAfterSeconds: 7, path: /roleEligibilityScheduleInstances/ });
      await rejectsWith(services.pim.listEligibilities(alice), 'throttled', (e) => assert.equal(e.details.retryAfterSeconds, 7));
    });

    it('503 → unavailable', async () => {
      tenant.faults.add({ kind: 'unavailable', path: /roleAssignmentScheduleInstances/ });
      await rejectsWith(services.pim.listActive(alice), 'unavailable');
    });

    it('one 503 on a GET is retried when retries are on', async () => {
      services = createServices(config({ graphRetry: { maxRetries: 1, delaySeconds: 0 } }));
      tenant.faults.add({ kind: 'unavailable', path: /roleAssignmentScheduleInstances/, count: 1 });
      assert.deepEqual(await services.pim.listActive(alice), []);
    });

    it('an activation POST is never retried', async () => {
      services = createServices(config({ graphRetry: { maxRetries: 3, delaySeconds: 0 } }));
      await services.pim.listEligibilities(alice);
      tenant.faults.add({ kind: 'unavailable', method: 'POST', count: 1 });
      tenant.requestLog.clear();
      await rejectsWith(
        services.pim.activate(alice, { eligibilityKey: ROLE_KEY.globalReader, durationMinutes: 60, justification: 'x' }),
        'unavailable',
      );
      assert.equal(tenant.requestLog.entries().filter((e) => e.method === 'POST').length, 1);
    });

    it('a wrong client secret → PimError, and the secret is nowhere in it', async () => {
      services = createServices(config({ clientSecret: 'not-the-secret' }));
      const err = await rejectsWith(services.pim.listActive(alice), 'unknown');
      assert.ok(!JSON.stringify({ m: err.message, d: err.details }).includes('not-the-secret'));
    });
  });
});
