// Every PIM surface through PimService with the real SDK clients (msal-node, the Graph client,
// @azure/arm-authorization) against the tenant emulator: list, activate, "my access", deactivate,
// the lifecycle (validate, several at once, scheduled start, cancel, extend) and PIM's refusals.

import assert from 'node:assert/strict';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { createServices, type Services, type ServicesConfig } from '../../../services';
import type { UserTokenProvider } from '../../../services/identity/tokenProvider';
import { ArmApi } from '../../../services/pim/azure/armApi';
import { AzureResourceProvider } from '../../../services/pim/azure/azureProvider';
import type { PimErrorKind } from '../../../services/pim/errors';
import { GraphApi } from '../../../services/pim/graph/graphApi';
import { GroupsProvider } from '../../../services/pim/groups/groupsProvider';
import { eligibilityKey, type ActivationInput, type UserContext } from '../../../services/pim/model';
import { ProviderPimService, type PimServiceOptions } from '../../../services/pim/pimService';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { rejectsWith, tenantServicesConfig } from './servicesHarness';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const RG = `${SUB}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
const SITE = `${RG}/providers/Microsoft.Web/sites/${DEMO_AZURE.site.name}`;
const MG = `/providers/Microsoft.Management/managementGroups/${DEMO_AZURE.managementGroup.name}`;
const role = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

const KEY = {
  sreMember: eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'member'),
  sreOwner: eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'owner'),
  contributor: eligibilityKey('azureResource', SUB, role('b24988ac-6180-42a0-ab88-20f7382dd24c')),
  rgReader: eligibilityKey('azureResource', RG, role('acdd72a7-3385-48ef-bd42-f606fba81ae7')),
  mgReader: eligibilityKey('azureResource', MG, '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7'),
  siteContributor: eligibilityKey('azureResource', SITE, role('de139f84-1756-47ae-9be6-808fbbe84772')),
  globalReader: eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id),
};

describe('PIM for Groups and Azure resources through PimService (real SDK clients, emulator)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  let alice: UserContext;
  let services: Services;

  function config(overrides: Partial<ServicesConfig> = {}): ServicesConfig {
    return tenantServicesConfig(tenant, { armBaseUrl: tenant.url, ...overrides });
  }

  /** Upstream PIM calls (Graph + ARM) since the log was last cleared; token endpoints excluded. */
  function upstreamCalls(): string[] {
    return tenant.requestLog
      .entries()
      .filter((e) => /^\/(v1\.0|beta|subscriptions|providers)\//.test(e.path))
      .map((e) => `${e.method} ${e.path}`);
  }

  /**
   * The groups and Azure providers with tokens minted by the tenant for a given sign-in strength
   * (the local SSO page's step-up is the conversation's business; here the token simply has it).
   */
  function pimWithSignIn(signIn: { amr: string[]; acrs?: string[] }, options: PimServiceOptions = {}): ProviderPimService {
    const tokens: UserTokenProvider = {
      getUserToken: async ({ user, resource }) =>
        tenant.tokens.user({ userId: user.userId, audience: resource, amr: signIn.amr, acrs: signIn.acrs }),
    };
    const graph = new GraphApi({ baseUrl: tenant.url, retry: { maxRetries: 0, delaySeconds: 0 } });
    return new ProviderPimService(
      [new GroupsProvider({ graph, tokens }), new AzureResourceProvider({ arm: new ArmApi({ baseUrl: tenant.url, tokens }) })],
      options,
    );
  }

  before(async () => {
    // Page size 2: ARM and Graph lists of more than two follow nextLink.
    tenant = await startTestTenant({ pageSize: 2 });
    alice = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.alice.displayName };
  });
  after(async () => tenant?.close());

  beforeEach(async () => {
    await tenant.reset();
    tenant.clock.useRealTime();
    tenant.faults.clear();
    tenant.requestLog.clear();
    services = createServices(config());
  });

  const activation = (eligibilityKey: string, extra: Partial<ActivationInput> = {}): ActivationInput => ({
    eligibilityKey,
    durationMinutes: 60,
    justification: 'on call',
    ...extra,
  });

  it('lists one list across the three surfaces, with readable scopes and each policy', async () => {
    const list = await services.pim.listEligibilities(alice);
    const byKey = new Map(list.map((e) => [e.eligibility.key, e]));
    for (const key of Object.values(KEY)) assert.ok(byKey.has(key), `${key} listed`);
    assert.deepEqual([...new Set(list.map((e) => e.eligibility.surface))].sort(), ['azureResource', 'entraRole', 'group']);

    const member = byKey.get(KEY.sreMember)!;
    assert.equal(member.eligibility.roleName, 'Member');
    assert.deepEqual(member.eligibility.scope, { id: DEMO_GROUPS.sreOnCall.id, displayName: 'SRE On-Call', kind: 'group' });
    assert.equal(member.constraints.maxDurationMinutes, 240);
    assert.equal(member.constraints.requiresApproval, false);
    assert.equal(byKey.get(KEY.sreOwner)!.eligibility.roleName, 'Owner');

    const contributor = byKey.get(KEY.contributor)!;
    assert.equal(contributor.eligibility.roleName, 'Contributor');
    assert.deepEqual(contributor.eligibility.scope, { id: SUB, displayName: 'Contoso Prod', kind: 'subscription' });
    assert.equal(contributor.constraints.requiresApproval, true);
    assert.deepEqual(contributor.constraints.approvers, [{ kind: 'group', id: DEMO_GROUPS.pimApprovers.id, displayName: 'PIM Approvers' }]);
    assert.equal(contributor.constraints.maxDurationMinutes, 480);

    assert.deepEqual(byKey.get(KEY.rgReader)!.eligibility.scope, { id: RG, displayName: 'rg-web', kind: 'resourceGroup' });
    assert.equal(byKey.get(KEY.mgReader)!.eligibility.scope.kind, 'managementGroup');
    assert.equal(byKey.get(KEY.mgReader)!.constraints.requiresMfa, true);
    const site = byKey.get(KEY.siteContributor)!;
    assert.deepEqual(site.eligibility.scope, { id: SITE, displayName: 'contoso-web', kind: 'resource' });
    assert.equal(site.constraints.requiresTicket, true);
    assert.equal(site.constraints.authenticationContext, 'c1');
    assert.equal(site.constraints.maxDurationMinutes, 120);
  });

  for (const [surface, key] of [
    ['group', KEY.sreMember],
    ['azureResource', KEY.rgReader],
  ] as const) {
    it(`${surface}: activate, see it in my access, refuse early deactivation, deactivate`, async () => {
      const request = await services.pim.activate(alice, activation(key));
      assert.equal(request.status, 'provisioned');
      assert.equal(request.surface, surface);
      assert.equal(request.key, key);
      const active = await services.pim.waitUntilActive(alice, request, { initialDelayMs: 1 });
      assert.ok(active, 'access in place');
      assert.equal(active.assignmentType, 'activated');
      assert.ok(
        active.endDateTime && Math.abs(active.endDateTime.getTime() - (tenant.clock.now().getTime() + 3_600_000)) < 5_000,
        'ends after 60 minutes',
      );
      assert.ok(
        (await services.pim.listActive(alice)).some((a) => a.key === key),
        'my access lists it',
      );

      await rejectsWith(services.pim.activate(alice, activation(key)), 'alreadyActive', (e) =>
        assert.equal(e.details.upstreamCode, 'RoleAssignmentExists'),
      );
      await rejectsWith(services.pim.deactivate(alice, key), 'durationTooShort', (e) =>
        assert.equal(e.details.upstreamCode, 'ActiveDurationTooShort'),
      );
      tenant.clock.advance(6 * 60_000);
      const off = await services.pim.deactivate(alice, key);
      assert.equal(off.action, 'deactivate');
      assert.equal(off.status, 'revoked');
      assert.ok(!(await services.pim.listActive(alice)).some((a) => a.key === key), 'gone from my access');
      await rejectsWith(services.pim.deactivate(alice, key), 'notFound');
    });
  }

  it('activating Contributor on Contoso Prod waits for approval; the request is listed and can be canceled', async () => {
    const request = await services.pim.activate(alice, activation(KEY.contributor));
    assert.equal(request.status, 'pendingApproval');
    assert.equal(await services.pim.waitUntilActive(alice, request), null, 'nothing to wait for until someone approves');
    const pending = await services.pim.listRequests(alice);
    assert.deepEqual(
      pending.map((r) => [r.key, r.status]),
      [[KEY.contributor, 'pendingApproval']],
    );
    assert.equal((await services.pim.getRequest(alice, { surface: 'azureResource', id: request.id })).status, 'pendingApproval');
    await rejectsWith(services.pim.activate(alice, activation(KEY.contributor)), 'alreadyActive', (e) =>
      assert.equal(e.details.upstreamCode, 'PendingRoleAssignmentRequest'),
    );
    await services.pim.cancel(alice, { surface: 'azureResource', id: request.id });
    assert.equal((await services.pim.getRequest(alice, { surface: 'azureResource', id: request.id })).status, 'canceled');
    assert.deepEqual(await services.pim.listRequests(alice), []);
    await rejectsWith(services.pim.cancel(alice, { surface: 'azureResource', id: request.id }), 'invalidInput');
  });

  it("one role's requests of every status in one read: a PIM group's access, an Entra role, an Azure role at its own scope", async () => {
    const member = await services.pim.activate(alice, activation(KEY.sreMember));
    const reader = await services.pim.activate(alice, activation(KEY.globalReader));
    const rgReader = await services.pim.activate(alice, activation(KEY.rgReader));
    const mgReader = await services.pim.activate(alice, activation(KEY.mgReader));
    tenant.requestLog.clear();
    const members = await services.pim.listRoleRequests(alice, KEY.sreMember);
    assert.deepEqual(
      members?.map((r) => [r.id, r.status, r.roleId, r.scope.displayName]),
      [[member.id, 'provisioned', 'member', 'SRE On-Call']],
    );
    assert.deepEqual(await services.pim.listRoleRequests(alice, KEY.sreOwner), [], "the owner access's are its own");
    assert.deepEqual(
      (await services.pim.listRoleRequests(alice, KEY.globalReader))?.map((r) => [r.id, r.status, r.roleName]),
      [[reader.id, 'provisioned', 'Global Reader']],
    );
    // ARM cannot filter by role: the scope's listing (which also holds the same role above it) is narrowed.
    assert.deepEqual(
      (await services.pim.listRoleRequests(alice, KEY.rgReader))?.map((r) => [r.id, r.status, r.roleName, r.scope.displayName]),
      [[rgReader.id, 'provisioned', 'Reader', 'rg-web']],
    );
    assert.deepEqual(
      (await services.pim.listRoleRequests(alice, KEY.mgReader))?.map((r) => r.id),
      [mgReader.id],
    );
    assert.deepEqual(await services.pim.listRoleRequests(alice, KEY.contributor), [], 'nothing asked of Contributor yet');
    assert.deepEqual(
      services.pim.recentRoleRequests(alice, KEY.sreMember, 60_000)?.map((r) => r.id),
      [member.id],
      'kept, not read again',
    );
    assert.equal(upstreamCalls().length, 6, upstreamCalls().join('\n'));
  });

  for (const [surface, key] of [
    ['group', KEY.sreMember],
    ['azureResource', KEY.rgReader],
    ['entraRole', KEY.globalReader],
  ] as const) {
    it(`${surface}: a scheduled start is listed, becomes active when the clock reaches it, and can be canceled before`, async () => {
      const start = new Date(tenant.clock.now().getTime() + 2 * 3_600_000);
      const scheduled = await services.pim.activate(alice, activation(key, { startDateTime: start }));
      assert.equal(scheduled.status, 'granted');
      assert.equal(await services.pim.waitUntilActive(alice, scheduled), null, 'a future start is not waited for');
      assert.deepEqual(
        (await services.pim.listRequests(alice)).map((r) => r.id),
        [scheduled.id],
      );
      assert.ok(!(await services.pim.listActive(alice)).some((a) => a.key === key));
      tenant.clock.advance(2 * 3_600_000 + 1_000);
      assert.ok(
        (await services.pim.listActive(alice)).some((a) => a.key === key),
        'active once the start arrives',
      );
      assert.equal((await services.pim.getRequest(alice, { surface, id: scheduled.id })).status, 'provisioned');
      await rejectsWith(services.pim.cancel(alice, { surface, id: scheduled.id }), 'invalidInput');

      const later = new Date(tenant.clock.now().getTime() + 10 * 3_600_000);
      await services.pim.deactivate(alice, key).catch(() => undefined);
      tenant.clock.advance(2 * 3_600_000);
      const second = await services.pim.activate(alice, activation(key, { startDateTime: later }));
      await services.pim.cancel(alice, { surface, id: second.id });
      assert.deepEqual(await services.pim.listRequests(alice), []);
      tenant.clock.advance(12 * 3_600_000);
      assert.ok(!(await services.pim.listActive(alice)).some((a) => a.key === key), 'a canceled schedule never starts');
    });
  }

  it('activates several at once, one result per item', async () => {
    const outcomes = await services.pim.activateMany(alice, [
      activation(KEY.sreMember),
      activation(KEY.contributor),
      activation(KEY.siteContributor),
    ]);
    assert.deepEqual(
      outcomes.map((o) => (o.ok ? o.request.status : o.error.kind)),
      ['provisioned', 'pendingApproval', 'policyViolation'],
    );
    const failed = outcomes[2]!;
    assert.ok(!failed.ok && failed.error.details.rules?.includes('TicketingRule'));
  });

  it("validate runs PIM's dry run and creates nothing", async () => {
    await services.pim.validate(alice, activation(KEY.rgReader));
    await services.pim.validate(alice, activation(KEY.sreMember));
    await services.pim.validate(alice, activation(KEY.globalReader));
    const calls = upstreamCalls();
    assert.ok(
      calls.some((c) => c.endsWith('/validate')),
      'ARM validate was called',
    );
    assert.deepEqual(await services.pim.listActive(alice), []);
    await rejectsWith(
      services.pim.validate(alice, activation(KEY.siteContributor, { ticket: { number: 'INC-42' } })),
      'authenticationRequired',
      (e) => assert.deepEqual(JSON.parse(e.details.claims!), { access_token: { acrs: { essential: true, value: 'c1' } } }),
    );
  });

  it('extending an activation is refused as PIM does, typed', async () => {
    await services.pim.activate(alice, activation(KEY.sreMember));
    await rejectsWith(services.pim.extend(alice, KEY.sreMember, { durationMinutes: 30 }), 'invalidInput', (e) =>
      assert.equal(e.details.upstreamCode, 'ActivationNotExtendable'),
    );
    await rejectsWith(services.pim.extend(alice, KEY.rgReader, { durationMinutes: 30 }), 'notFound');
  });

  describe("PIM's own refusals reach the service typed (local checks bypassed by a stale policy cache)", () => {
    // A service whose cached constraints are more lenient than PIM: what PIM itself answers comes back.
    async function lenient(signIn: { amr: string[]; acrs?: string[] }): Promise<ProviderPimService> {
      const pim = pimWithSignIn(signIn);
      const list = await pim.listEligibilities(alice);
      assert.ok(list.length > 0);
      // The cache hands out copies of the array but the same entries: loosen them in place.
      for (const e of list)
        Object.assign(e.constraints, {
          requiresJustification: false,
          requiresTicket: false,
          maxDurationMinutes: 100_000,
          minDurationMinutes: 1,
        });
      return pim;
    }
    const MFA = ['pwd', 'mfa'];
    const cases: Array<
      [string, string, Partial<ActivationInput>, PimErrorKind, string[] | undefined, string, { amr: string[]; acrs?: string[] }?]
    > = [
      [
        'group: over the maximum',
        KEY.sreMember,
        { durationMinutes: 300 },
        'policyViolation',
        ['ExpirationRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
      ],
      [
        'group: no justification',
        KEY.sreMember,
        { justification: undefined },
        'policyViolation',
        ['JustificationRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
      ],
      ['group: under 5 minutes', KEY.sreMember, { durationMinutes: 3 }, 'durationTooShort', undefined, 'ActiveDurationTooShort'],
      [
        'azure: over the maximum',
        KEY.rgReader,
        { durationMinutes: 600 },
        'policyViolation',
        ['ExpirationRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
      ],
      [
        'azure: no justification',
        KEY.rgReader,
        { justification: undefined },
        'policyViolation',
        ['JustificationRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
      ],
      ['azure: under 5 minutes', KEY.rgReader, { durationMinutes: 2 }, 'durationTooShort', undefined, 'ActiveDurationTooShort'],
      [
        'azure: MFA required',
        KEY.mgReader,
        {},
        'policyViolation',
        ['MfaRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
        { amr: ['pwd'] },
      ],
      [
        'azure: ticket required (after step-up)',
        KEY.siteContributor,
        {},
        'policyViolation',
        ['TicketingRule'],
        'RoleAssignmentRequestPolicyValidationFailed',
        { amr: MFA, acrs: ['c1'] },
      ],
      [
        'azure: authentication context',
        KEY.siteContributor,
        { ticket: { number: 'INC-1' } },
        'authenticationRequired',
        undefined,
        'RoleAssignmentRequestAcrsValidationFailed',
      ],
      [
        'azure: not eligible',
        KEY.contributor.replace(SUB, RG),
        {},
        'notEligible',
        undefined,
        'RoleAssignmentRequestPolicyValidationFailed',
      ],
    ];
    for (const [name, key, extra, kind, rules, code, signIn] of cases) {
      it(name, async () => {
        const pim = await lenient(signIn ?? { amr: MFA });
        if (key === KEY.contributor.replace(SUB, RG)) {
          // Not in the list at all: the service itself says so, nothing is sent.
          await rejectsWith(pim.activate(alice, activation(key)), 'notEligible');
          return;
        }
        await rejectsWith(pim.activate(alice, { ...activation(key), ...extra }), kind, (e) => {
          assert.equal(e.details.upstreamCode, code);
          if (rules) assert.deepEqual(e.details.rules, rules);
        });
        assert.deepEqual(await pim.listActive(alice), [], 'nothing activated');
      });
    }
  });

  it('a token that satisfies the authentication context (acrs c1) lets the Azure activation through', async () => {
    const pim = pimWithSignIn({ amr: ['pwd', 'mfa'], acrs: ['c1'] });
    const request = await pim.activate(alice, activation(KEY.siteContributor, { ticket: { number: 'INC-42', system: 'ServiceNow' } }));
    assert.equal(request.status, 'provisioned');
    assert.deepEqual(request.ticket, { number: 'INC-42', system: 'ServiceNow' });
    assert.equal(request.scope.displayName, 'contoso-web');
  });

  for (const [surface, key] of [
    ['entraRole', KEY.globalReader],
    ['group', KEY.sreMember],
    ['azureResource', KEY.rgReader],
  ] as const) {
    it(`${surface}: an activation in a warm conversation costs at most 2 upstream calls (validate + create)`, async () => {
      await services.pim.listEligibilities(alice);
      tenant.requestLog.clear();
      await services.pim.validate(alice, activation(key));
      await services.pim.activate(alice, activation(key));
      const calls = upstreamCalls();
      assert.ok(calls.length <= 2, `at most 2 calls, got ${calls.length}: ${calls.join(', ')}`);
      assert.equal(calls.length, 2);
    });
  }

  it('waitUntilActive polls with bounded backoff on the controllable clock, and gives up', async () => {
    const waits: number[] = [];
    const pim = pimWithSignIn(
      { amr: ['pwd', 'mfa'] },
      {
        now: () => tenant.clock.now().getTime(),
        sleep: async (ms) => {
          waits.push(ms);
          tenant.clock.advance(ms);
        },
      },
    );
    const request = await pim.activate(alice, activation(KEY.sreMember));
    tenant.requestLog.clear();
    assert.ok(await pim.waitUntilActive(alice, request), 'Provisioned with a start that has come: in place');
    assert.deepEqual(waits, []);
    assert.equal(upstreamCalls().length, 0, 'no poll for a Provisioned request');
    // A request whose access never appears (as if PIM were slow to provision): bounded, then null.
    const ghost = {
      ...request,
      status: 'pendingProvisioning' as const,
      key: eligibilityKey('group', DEMO_GROUPS.pimApprovers.id, 'member'),
    };
    tenant.requestLog.clear();
    assert.equal(await pim.waitUntilActive(alice, ghost, { timeoutMs: 30_000, initialDelayMs: 1_000, maxDelayMs: 8_000 }), null);
    // Doubling up to the cap, and the last pause only as long as the time left (the clock also runs for real).
    assert.deepEqual(waits.slice(0, 5), [1_000, 2_000, 4_000, 8_000, 8_000]);
    assert.equal(waits.length, 6);
    assert.ok(waits[5]! > 6_000 && waits[5]! <= 7_000, `last pause ${waits[5]}`);
    assert.equal(upstreamCalls().length, 7, 'one listing per look');
  });
});
