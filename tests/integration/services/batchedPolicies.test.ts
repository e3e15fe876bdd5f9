// The policies behind a user's eligibilities, read through JSON batches ($batch) with the real Graph
// SDK against the emulator: the same constraints as one read per eligibility, one request per Entra
// role and one per PIM group (both accesses), and one failed read is that eligibility's only.
import assert from 'node:assert/strict';
import { DEMO_GROUPS, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { UserTokenProvider } from '../../../services/identity/tokenProvider';
import { EntraRoleProvider } from '../../../services/pim/entra/entraRoleProvider';
import { PimError } from '../../../services/pim/errors';
import { GraphApi } from '../../../services/pim/graph/graphApi';
import { GroupsProvider } from '../../../services/pim/groups/groupsProvider';
import type { Eligibility, UserContext } from '../../../services/pim/model';
import { startTestTenant } from '../../../emulator/stack/tenant';

describe('policies read in JSON batches (real Graph SDK, emulator)', function () {
  this.timeout(30_000);
  let tenant: Awaited<ReturnType<typeof startTestTenant>>;
  let alice: UserContext;
  let graph: GraphApi;
  let tokens: UserTokenProvider;

  before(async () => {
    tenant = await startTestTenant();
    alice = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId };
    graph = new GraphApi({ baseUrl: tenant.url, retry: { maxRetries: 0, delaySeconds: 0 } });
    tokens = { getUserToken: async ({ user }) => tenant.tokens.user({ userId: user.userId }) };
  });
  after(() => tenant.close());
  afterEach(() => tenant.faults.clear());

  const graphReads = () => tenant.requestLog.entries().filter((e) => e.path.startsWith('/v1.0/policies/'));

  it('Entra roles: the same constraints as one read each, one request per distinct role', async () => {
    const entra = new EntraRoleProvider({ graph, tokens });
    const eligible = await entra.listEligibilities(alice);
    assert.equal(eligible.length, 3);
    const oneByOne = await Promise.all(eligible.map((e) => entra.getConstraints(alice, e)));
    tenant.requestLog.clear();
    const batched = await entra.getConstraintsMany(alice, [...eligible, eligible[0]!]);
    assert.deepEqual(batched, [...oneByOne, oneByOne[0]]);
    assert.equal(graphReads().length, 3, 'one per distinct role');
    assert.ok(
      graphReads().every((e) => e.caller === DEMO_USERS.alice.id),
      "with Alice's own token",
    );
  });

  it('PIM groups: member and owner of one group from one request; a failed read is only its own', async () => {
    const groups = new GroupsProvider({ graph, tokens });
    const member = (await groups.listEligibilities(alice)).find((e) => e.roleId === 'member')!;
    assert.ok(member, 'Alice is eligible for SRE On-Call membership');
    const owner: Eligibility = { ...member, key: member.key.replace(/member$/, 'owner'), roleId: 'owner' };
    const expected = await Promise.all([groups.getConstraints(alice, member), groups.getConstraints(alice, owner)]);
    tenant.requestLog.clear();
    assert.deepEqual(await groups.getConstraintsMany(alice, [member, owner]), expected);
    assert.equal(graphReads().length, 1, 'one read answers both accesses');

    // A second group whose read is throttled: its eligibility gets the refusal, the first its policy.
    const other: Eligibility = {
      ...member,
      key: `group|${DEMO_GROUPS.pimApprovers.id}|member`,
      scope: { ...member.scope, id: DEMO_GROUPS.pimApprovers.id },
    };
    tenant.faults.add({ kind: 'throttle', retryAfterSeconds: 9, path: /roleManagementPolicyAssignments/, count: 1 });
    const [first, second] = await groups.getConstraintsMany(alice, [other, member]);
    assert.ok(first instanceof PimError && first.kind === 'throttled' && first.details.retryAfterSeconds === 9, String(first));
    assert.deepEqual(second, expected[0]);

    // Within that Retry-After the throttled path is refused at once for Alice, batched or not: nothing goes out.
    tenant.requestLog.clear();
    const again = await groups.getConstraintsMany(alice, [other, member]);
    assert.ok(
      again.every((c) => c instanceof PimError && c.kind === 'throttled'),
      'refused without asking Graph',
    );
    assert.equal(graphReads().length, 0);
  });

  it('Entra role ids are checked before anything is sent', async () => {
    const entra = new EntraRoleProvider({ graph, tokens });
    tenant.requestLog.clear();
    await assert.rejects(
      entra.getConstraintsMany(alice, [
        {
          key: 'x',
          surface: 'entraRole',
          roleId: "x' or 1 eq 1",
          roleName: 'x',
          scope: { id: '/', displayName: 'Directory', kind: 'directory' },
          principalId: alice.userId,
          endDateTime: null,
        },
      ]),
      PimError,
    );
    assert.equal(graphReads().length, 0);
  });
});
