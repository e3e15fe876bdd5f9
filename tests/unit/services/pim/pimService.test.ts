import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PimError, type PimErrorKind } from '../../../../services/pim/errors';
import {
  eligibilityKey,
  type ActivationInput,
  type ActivationRequest,
  type ActiveAssignment,
  type Constraints,
  type Eligibility,
  type ExtensionInput,
  type UserContext,
} from '../../../../services/pim/model';
import { DEFAULT_ELIGIBILITY_TTL_MS, ProviderPimService } from '../../../../services/pim/pimService';
import type { PimProvider } from '../../../../services/pim/service';

const alice: UserContext = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
const bob: UserContext = { userId: '0b0b0000-0000-4000-8000-000000000002', tenantId: alice.tenantId };

function eligibility(roleId: string, roleName: string): Eligibility {
  return {
    key: eligibilityKey('entraRole', '/', roleId),
    surface: 'entraRole',
    roleId,
    roleName,
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: alice.userId,
    endDateTime: null,
  };
}

const reader = eligibility('f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader');
const userAdmin = eligibility('fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator');

const base: Constraints = {
  maxDurationMinutes: 480,
  minDurationMinutes: 5,
  requiresJustification: true,
  requiresTicket: false,
  requiresMfa: false,
  authenticationContext: null,
  requiresApproval: false,
  approvers: [],
};
const userAdminConstraints: Constraints = {
  ...base,
  maxDurationMinutes: 240,
  requiresTicket: true,
  requiresApproval: true,
  approvers: [{ kind: 'group', id: 'g' }],
};

const request: ActivationRequest = {
  id: 'req-1',
  surface: 'entraRole',
  status: 'provisioned',
  roleId: reader.roleId,
  roleName: reader.roleName,
  scope: reader.scope,
  principalId: alice.userId,
  startDateTime: new Date(0),
  endDateTime: new Date(3_600_000),
  createdDateTime: new Date(0),
  justification: 'x',
  ticket: null,
};

function stubProvider() {
  const provider = {
    surface: 'entraRole' as const,
    listEligibilities: sinon.stub<[UserContext], Promise<Eligibility[]>>().resolves([reader, userAdmin]),
    listActive: sinon.stub<[UserContext], Promise<ActiveAssignment[]>>().resolves([]),
    getConstraints: sinon
      .stub<[UserContext, Eligibility], Promise<Constraints>>()
      .callsFake(async (_u, e) => (e.roleId === userAdmin.roleId ? userAdminConstraints : base)),
    activate: sinon.stub<[UserContext, Eligibility, ActivationInput], Promise<ActivationRequest>>().resolves(request),
    getRequest: sinon.stub<[UserContext, string], Promise<ActivationRequest>>().resolves(request),
    validate: sinon.stub<[UserContext, Eligibility, ActivationInput], Promise<void>>().resolves(),
    deactivate: sinon.stub<[UserContext, ActiveAssignment], Promise<ActivationRequest>>().resolves(request),
    extend: sinon.stub<[UserContext, ActiveAssignment, ExtensionInput], Promise<ActivationRequest>>().resolves(request),
    listRequests: sinon.stub<[UserContext], Promise<ActivationRequest[]>>().resolves([]),
    cancel: sinon.stub<[UserContext, string], Promise<void>>().resolves(),
  } satisfies PimProvider;
  return provider;
}

async function rejectsWith(promise: Promise<unknown>, kind: PimErrorKind, rules?: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof PimError, `expected PimError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    if (rules) assert.deepEqual(e.details.rules, rules);
    return true;
  });
}

describe('services/pim PimService', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('lists eligibilities with the constraints of each', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    const list = await service.listEligibilities(alice);
    assert.deepEqual(
      list.map((e) => [e.eligibility.roleName, e.constraints.maxDurationMinutes]),
      [
        ['Global Reader', 480],
        ['User Administrator', 240],
      ],
    );
  });

  it('fetches constraints in parallel', async () => {
    const p = stubProvider();
    const started: string[] = [];
    const release: Array<() => void> = [];
    p.getConstraints.callsFake((_u, e) => {
      started.push(e.roleName);
      return new Promise<Constraints>((resolve) => release.push(() => resolve(base)));
    });
    const service = new ProviderPimService([p], { now });
    const listing = service.listEligibilities(alice);
    await new Promise((r) => setImmediate(r));
    assert.equal(started.length, 2, 'both constraint fetches start before either finishes');
    release.forEach((r) => r());
    assert.equal((await listing).length, 2);
  });

  it('caches per user for the TTL, then reloads', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now, cacheTtlMs: 60_000 });
    await service.listEligibilities(alice);
    await service.listEligibilities(alice);
    assert.equal(p.listEligibilities.callCount, 1);
    assert.equal(p.getConstraints.callCount, 2);
    await service.listEligibilities(bob);
    assert.equal(p.listEligibilities.callCount, 2, 'another user has their own entry');
    clock += 60_001;
    await service.listEligibilities(alice);
    assert.equal(p.listEligibilities.callCount, 3);
  });

  it('defaults to a 60 s TTL', () => assert.equal(DEFAULT_ELIGIBILITY_TTL_MS, 60_000));

  it('shares one load between concurrent callers and does not cache failures', async () => {
    const p = stubProvider();
    p.listEligibilities.onFirstCall().rejects(new PimError('unavailable', 'down'));
    const service = new ProviderPimService([p], { now });
    const [a, b] = await Promise.allSettled([service.listEligibilities(alice), service.listEligibilities(alice)]);
    assert.equal(a.status, 'rejected');
    assert.equal(b.status, 'rejected');
    assert.equal(p.listEligibilities.callCount, 1);
    assert.equal((await service.listEligibilities(alice)).length, 2);
  });

  it('a warm activation costs only the provider activate call', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    await service.listEligibilities(alice);
    const before = p.listEligibilities.callCount + p.getConstraints.callCount;
    const result = await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'audit' });
    assert.equal(result, request);
    assert.equal(p.listEligibilities.callCount + p.getConstraints.callCount, before);
    assert.equal(p.activate.callCount, 1);
    assert.equal(p.activate.firstCall.args[1], reader);
  });

  it('a successful activation keeps the cache warm for the next one', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'audit' });
    await service.listEligibilities(alice);
    assert.equal(p.listEligibilities.callCount, 1);
  });

  it('passes upstream refusals through; a refusal that says the cache is stale drops it', async () => {
    const p = stubProvider();
    p.activate.rejects(new PimError('alreadyActive', 'exists'));
    const service = new ProviderPimService([p], { now });
    await rejectsWith(
      service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'audit' }),
      'alreadyActive',
    );
    await service.listEligibilities(alice);
    assert.equal(p.listEligibilities.callCount, 1, 'already active says nothing about eligibilities');
    p.activate.rejects(new PimError('notEligible', 'gone'));
    await rejectsWith(service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'audit' }), 'notEligible');
    await service.listEligibilities(alice);
    assert.equal(p.listEligibilities.callCount, 2);
  });

  it("reads one provider's constraints in one call when it can (getConstraintsMany), in order", async () => {
    const p = stubProvider();
    const many = sinon
      .stub<[UserContext, readonly Eligibility[]], Promise<Array<Constraints | PimError>>>()
      .callsFake(async (_u, list) => list.map((e) => (e.roleId === userAdmin.roleId ? userAdminConstraints : base)));
    const service = new ProviderPimService([{ ...p, getConstraintsMany: many }], { now });
    const list = await service.listEligibilities(alice);
    assert.deepEqual(
      list.map((e) => e.constraints.maxDurationMinutes),
      [480, 240],
    );
    assert.equal(many.callCount, 1);
    assert.equal(p.getConstraints.callCount, 0);
    many.resolves([base, new PimError('notFound', 'no policy')]);
    service.invalidate(alice);
    await rejectsWith(service.listEligibilities(alice), 'notFound');
  });

  describe('listing open requests', () => {
    const pending: ActivationRequest = {
      ...request,
      id: 'req-2',
      status: 'pendingApproval',
      roleId: userAdmin.roleId,
      roleName: userAdmin.roleName,
    };

    it('reads PIM each time unless the caller accepts a recent listing; then within maxAgeMs only', async () => {
      const p = stubProvider();
      p.listRequests.resolves([pending]);
      const service = new ProviderPimService([p], { now });
      await service.listRequests(alice);
      await service.listRequests(alice);
      assert.equal(p.listRequests.callCount, 2, 'no maxAgeMs: always fresh');
      assert.deepEqual(
        (await service.listRequests(alice, undefined, { maxAgeMs: 60_000 })).map((r) => r.id),
        ['req-2'],
      );
      assert.equal(p.listRequests.callCount, 2, 'a listing a moment old will do');
      clock += 60_001;
      await service.listRequests(alice, undefined, { maxAgeMs: 60_000 });
      assert.equal(p.listRequests.callCount, 3, 'older than maxAgeMs: read again');
      await service.listRequests(bob, undefined, { maxAgeMs: 60_000 });
      assert.equal(p.listRequests.callCount, 4, 'per user');
    });

    it("the user's own deactivate, extend, cancel and invalidate drop the recent listing", async () => {
      const p = stubProvider();
      const active: ActiveAssignment = {
        key: reader.key,
        surface: 'entraRole',
        roleId: reader.roleId,
        roleName: reader.roleName,
        scope: reader.scope,
        principalId: alice.userId,
        startDateTime: new Date(0),
        endDateTime: new Date(9e12),
        assignmentType: 'assigned',
      };
      p.listActive.resolves([active]);
      const service = new ProviderPimService([p], { now });
      const writes: Array<[string, () => Promise<unknown>]> = [
        ['deactivate', () => service.deactivate(alice, reader.key)],
        ['extend', () => service.extend(alice, reader.key, { durationMinutes: 60, justification: 'x' })],
        ['cancel', () => service.cancel(alice, { surface: 'entraRole', id: 'req-2' })],
        ['invalidate', async () => service.invalidate(alice)],
      ];
      for (const [what, write] of writes) {
        await service.listRequests(alice);
        const before = p.listRequests.callCount;
        await write();
        await service.listRequests(alice, undefined, { maxAgeMs: 60_000 });
        assert.equal(p.listRequests.callCount, before + 1, `${what} drops it`);
      }
    });

    it("the user's own activation updates the recent listing: its request added when it waits, nothing read again", async () => {
      const p = stubProvider();
      p.listRequests.resolves([]);
      const service = new ProviderPimService([p], { now });
      await service.listRequests(alice);
      await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' }); // provisioned: not a request to show
      assert.deepEqual(await service.listRequests(alice, undefined, { maxAgeMs: 60_000 }), []);
      p.activate.resolves(pending);
      await service.activate(alice, {
        eligibilityKey: userAdmin.key,
        durationMinutes: 60,
        justification: 'x',
        ticket: { number: 'INC-1' },
      });
      assert.deepEqual(
        (await service.listRequests(alice, undefined, { maxAgeMs: 60_000 })).map((r) => r.id),
        ['req-2'],
      );
      assert.equal(p.listRequests.callCount, 1, 'read once');
      p.activate.rejects(new PimError('unavailable', 'down'));
      await rejectsWith(service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' }), 'unavailable');
      await service.listRequests(alice, undefined, { maxAgeMs: 60_000 });
      assert.equal(p.listRequests.callCount, 2, 'a failed create leaves PIM in doubt: read again');
    });

    it('a listing read while the user wrote is not kept (it may predate the write)', async () => {
      const p = stubProvider();
      let release: (v: ActivationRequest[]) => void = () => {};
      p.listRequests.onFirstCall().returns(new Promise((r) => (release = r)));
      p.listRequests.resolves([pending]);
      const service = new ProviderPimService([p], { now });
      const slow = service.listRequests(alice);
      clock += 1;
      await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' });
      release([]);
      await slow;
      assert.deepEqual(
        (await service.listRequests(alice, undefined, { maxAgeMs: 60_000 })).map((r) => r.id),
        ['req-2'],
      );
      assert.equal(p.listRequests.callCount, 2);
    });
  });

  it('with `only`, reads the policies of the eligibilities picked from the listing and of no other', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    const seen: string[][] = [];
    const picked = await service.listEligibilities(alice, {
      only: (all) => {
        seen.push(all.map((e) => e.roleName));
        return [userAdmin.key];
      },
    });
    assert.deepEqual(seen, [['Global Reader', 'User Administrator']], 'the chooser sees every eligibility');
    assert.deepEqual(
      picked.map((e) => [e.eligibility.roleName, e.constraints.maxDurationMinutes]),
      [['User Administrator', 240]],
    );
    assert.deepEqual(
      p.getConstraints.getCalls().map((c) => c.args[1].roleName),
      ['User Administrator'],
      'one policy read',
    );
    // The full list later reads only the policy not read yet; an activation needs only its own.
    assert.equal((await service.listEligibilities(alice)).length, 2);
    assert.deepEqual(
      p.getConstraints.getCalls().map((c) => c.args[1].roleName),
      ['User Administrator', 'Global Reader'],
    );
    await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' });
    assert.equal(p.getConstraints.callCount, 2, 'cached policies reused');
    assert.equal(p.listEligibilities.callCount, 1);
  });

  it('an activation reads only its own policy; invalidate drops the cached policies too', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' });
    assert.deepEqual(
      p.getConstraints.getCalls().map((c) => c.args[1].roleName),
      ['Global Reader'],
    );
    service.invalidate(alice);
    await service.listEligibilities(alice, { only: () => [reader.key] });
    assert.equal(p.getConstraints.callCount, 2, 'read again after invalidate');
    assert.equal(p.listEligibilities.callCount, 2);
  });

  it('listActive with maxAgeMs shares a listing started that recently, unless the user wrote since', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    await service.listActive(alice);
    await service.listActive(alice);
    assert.equal(p.listActive.callCount, 2, 'without maxAgeMs PIM is read every time');
    await service.listActive(alice, undefined, { maxAgeMs: 60_000 });
    assert.equal(p.listActive.callCount, 2, 'a listing of a moment ago is reused');
    await service.listActive(bob, undefined, { maxAgeMs: 60_000 });
    assert.equal(p.listActive.callCount, 3, "another user's listing is not");
    clock += 60_001;
    await service.listActive(alice, undefined, { maxAgeMs: 60_000 });
    assert.equal(p.listActive.callCount, 4, 'older than maxAgeMs: read again');
    await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' });
    await service.listActive(alice, undefined, { maxAgeMs: 60_000 });
    assert.equal(p.listActive.callCount, 5, 'her own write since: read again');
  });

  it("lists one role's requests of every status, newest first, and keeps them for recentRoleRequests (no read) within the age asked", async () => {
    const older = { ...request, id: 'old', roleId: userAdmin.roleId, createdDateTime: new Date(1_000) };
    const newer = { ...request, id: 'new', roleId: userAdmin.roleId, status: 'pendingApproval' as const, createdDateTime: new Date(2_000) };
    const listRoleRequests = sinon.stub<[UserContext, unknown], Promise<ActivationRequest[]>>().resolves([older, newer]);
    const p = { ...stubProvider(), listRoleRequests };
    const service = new ProviderPimService([p], { now });
    assert.equal(service.recentRoleRequests(alice, userAdmin.key, 60_000), undefined, 'nothing read yet');
    assert.deepEqual(
      (await service.listRoleRequests(alice, userAdmin.key))!.map((r) => r.id),
      ['new', 'old'],
    );
    assert.equal(
      (listRoleRequests.firstCall.args[1] as Eligibility).key,
      userAdmin.key,
      "the provider gets the eligibility's role and scope",
    );
    clock += 30_000;
    assert.deepEqual(
      service.recentRoleRequests(alice, userAdmin.key, 60_000)?.map((r) => r.id),
      ['new', 'old'],
    );
    assert.equal(service.recentRoleRequests(bob, userAdmin.key, 60_000), undefined, "another user's is their own");
    assert.equal(service.recentRoleRequests(alice, reader.key, 60_000), undefined, "another role's is its own");
    clock += 31_000;
    assert.equal(service.recentRoleRequests(alice, userAdmin.key, 60_000), undefined, 'too old');
    assert.equal(listRoleRequests.callCount, 1);
  });

  it('listRoleRequests is undefined where the surface cannot narrow to one role', async () => {
    const service = new ProviderPimService([stubProvider()], { now });
    assert.equal(await service.listRoleRequests(alice, userAdmin.key), undefined);
  });

  it('merges active assignments of every provider', async () => {
    const p = stubProvider();
    const service = new ProviderPimService([p], { now });
    assert.deepEqual(await service.listActive(alice), []);
    assert.equal(p.listActive.callCount, 1);
  });

  describe('lifecycle', () => {
    const active: ActiveAssignment = {
      key: reader.key,
      surface: 'entraRole',
      roleId: reader.roleId,
      roleName: reader.roleName,
      scope: reader.scope,
      principalId: alice.userId,
      startDateTime: new Date(0),
      endDateTime: new Date(3_600_000),
      assignmentType: 'activated',
    };

    it('activateMany answers one outcome per input, in order, and one failure does not stop the others', async () => {
      const p = stubProvider();
      p.activate.onFirstCall().rejects(new PimError('alreadyActive', 'exists'));
      const service = new ProviderPimService([p], { now });
      const outcomes = await service.activateMany(alice, [
        { eligibilityKey: reader.key, durationMinutes: 60, justification: 'x' },
        { eligibilityKey: 'entraRole|/|nope', durationMinutes: 60, justification: 'x' },
        { eligibilityKey: reader.key, durationMinutes: 30, justification: 'y' },
      ]);
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? 'ok' : o.error.kind)),
        ['alreadyActive', 'notEligible', 'ok'],
      );
      assert.equal(p.listEligibilities.callCount, 1, 'one listing for all items');
    });

    it('deactivates what is active under the key, and says notFound otherwise', async () => {
      const p = stubProvider();
      p.listActive.resolves([active]);
      const service = new ProviderPimService([p], { now });
      await service.deactivate(alice, reader.key);
      assert.equal(p.deactivate.firstCall.args[1], active);
      await rejectsWith(service.deactivate(alice, userAdmin.key), 'notFound');
      await rejectsWith(service.deactivate(alice, 'azureResource|/x|y'), 'notFound');
    });

    it('refuses to extend an activation (PIM has no such thing) without calling PIM', async () => {
      const p = stubProvider();
      p.listActive.resolves([active]);
      const service = new ProviderPimService([p], { now });
      await rejectsWith(service.extend(alice, reader.key, { durationMinutes: 30 }), 'invalidInput');
      assert.equal(p.extend.callCount, 0);
      p.listActive.resolves([{ ...active, assignmentType: 'assigned' }]);
      await service.extend(alice, reader.key, { durationMinutes: 30 });
      assert.equal(p.extend.callCount, 1);
    });

    it('takes Provisioned with a start that has come as in place without polling; polls for Granted / PendingProvisioning', async () => {
      const p = stubProvider();
      const service = new ProviderPimService([p], { now, sleep: async () => {} });
      const inPlace = await service.waitUntilActive(alice, { ...request, status: 'provisioned' });
      assert.equal(p.listActive.callCount, 0, 'no upstream call');
      assert.equal(inPlace?.key, reader.key);
      assert.equal(inPlace?.assignmentType, 'activated');
      assert.deepEqual(inPlace?.endDateTime, request.endDateTime);
      p.listActive.resolves([{ ...active, key: reader.key }]);
      assert.ok(await service.waitUntilActive(alice, { ...request, status: 'pendingProvisioning' }));
      assert.equal(p.listActive.callCount, 1, 'PendingProvisioning is checked against PIM');
    });

    it('does not wait for a request awaiting approval or starting later', async () => {
      const p = stubProvider();
      const service = new ProviderPimService([p], { now, sleep: async () => assert.fail('no sleeping') });
      assert.equal(await service.waitUntilActive(alice, { ...request, status: 'pendingApproval' }), null);
      assert.equal(await service.waitUntilActive(alice, { ...request, startDateTime: new Date(clock + 3_600_000) }), null);
      assert.equal(p.listActive.callCount, 0);
    });
  });

  describe('refuses before sending anything', () => {
    const refusals: Array<{ name: string; input: ActivationInput; kind: PimErrorKind; rules?: string[] }> = [
      {
        name: 'unknown eligibility key',
        input: { eligibilityKey: 'entraRole|/|62e90394-69f5-4237-9190-012177145e10', durationMinutes: 60, justification: 'x' },
        kind: 'notEligible',
      },
      {
        name: 'key of another surface',
        input: { eligibilityKey: `group|/|${reader.roleId}`, durationMinutes: 60, justification: 'x' },
        kind: 'notEligible',
      },
      {
        name: 'over the policy maximum',
        input: { eligibilityKey: reader.key, durationMinutes: 481, justification: 'x' },
        kind: 'policyViolation',
        rules: ['ExpirationRule'],
      },
      {
        name: 'over a 4 h maximum',
        input: { eligibilityKey: userAdmin.key, durationMinutes: 241, justification: 'x', ticket: { number: 'INC-1' } },
        kind: 'policyViolation',
        rules: ['ExpirationRule'],
      },
      { name: 'under 5 minutes', input: { eligibilityKey: reader.key, durationMinutes: 4, justification: 'x' }, kind: 'durationTooShort' },
      { name: 'zero duration', input: { eligibilityKey: reader.key, durationMinutes: 0, justification: 'x' }, kind: 'invalidInput' },
      {
        name: 'NaN duration',
        input: { eligibilityKey: reader.key, durationMinutes: Number.NaN, justification: 'x' },
        kind: 'invalidInput',
      },
      {
        name: 'missing justification',
        input: { eligibilityKey: reader.key, durationMinutes: 60 },
        kind: 'policyViolation',
        rules: ['JustificationRule'],
      },
      {
        name: 'whitespace justification',
        input: { eligibilityKey: reader.key, durationMinutes: 60, justification: ' \n\t ' },
        kind: 'policyViolation',
        rules: ['JustificationRule'],
      },
      {
        name: 'missing ticket',
        input: { eligibilityKey: userAdmin.key, durationMinutes: 60, justification: 'x' },
        kind: 'policyViolation',
        rules: ['TicketingRule'],
      },
      {
        name: 'blank ticket number',
        input: { eligibilityKey: userAdmin.key, durationMinutes: 60, justification: 'x', ticket: { number: '  ' } },
        kind: 'policyViolation',
        rules: ['TicketingRule'],
      },
      {
        name: 'everything at once',
        input: { eligibilityKey: userAdmin.key, durationMinutes: 300 },
        kind: 'policyViolation',
        rules: ['ExpirationRule', 'JustificationRule', 'TicketingRule'],
      },
    ];
    for (const r of refusals) {
      it(`${r.name} → ${r.kind}`, async () => {
        const p = stubProvider();
        const service = new ProviderPimService([p], { now });
        await rejectsWith(service.activate(alice, r.input), r.kind, r.rules);
        assert.equal(p.activate.callCount, 0, 'nothing sent');
      });
    }

    it('respects a policy minimum above 5 minutes', async () => {
      const p = stubProvider();
      p.getConstraints.resolves({ ...base, minDurationMinutes: 30 });
      const service = new ProviderPimService([p], { now });
      await rejectsWith(
        service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 29, justification: 'x' }),
        'durationTooShort',
      );
      assert.equal(p.activate.callCount, 0);
    });

    it('accepts exactly the limits', async () => {
      const p = stubProvider();
      const service = new ProviderPimService([p], { now });
      await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 480, justification: 'x' });
      await service.activate(alice, { eligibilityKey: reader.key, durationMinutes: 5, justification: 'x' });
      assert.equal(p.activate.callCount, 2);
    });
  });
});
