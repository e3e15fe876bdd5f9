import assert from 'node:assert/strict';
import sinon from 'sinon';
import { EntraRoleProvider, ENTRA_PATHS } from '../../../../../services/pim/entra/entraRoleProvider';
import { PimError } from '../../../../../services/pim/errors';
import { GraphApi } from '../../../../../services/pim/graph/graphApi';
import type { Eligibility, UserContext } from '../../../../../services/pim/model';
import type { TokenRequest, UserTokenProvider } from '../../../../../services/identity/tokenProvider';

const alice: UserContext = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

function setup() {
  const graph = sinon.createStubInstance(GraphApi);
  const getUserToken = sinon.stub<[TokenRequest], Promise<string>>().resolves('user-token');
  const tokens: UserTokenProvider = { getUserToken };
  const provider = new EntraRoleProvider({ graph, tokens, now: () => new Date('2030-01-01T10:00:00Z') });
  return { graph, getUserToken, provider };
}

const eligible: Eligibility = {
  key: `entraRole|/|${GLOBAL_READER}`,
  surface: 'entraRole',
  roleId: GLOBAL_READER,
  roleName: 'Global Reader',
  scope: { id: '/', displayName: 'Directory', kind: 'directory' },
  principalId: alice.userId,
  endDateTime: null,
};

describe('services/pim/entra EntraRoleProvider (Graph stubbed)', () => {
  it("lists the user's eligibility instances with the user's token, expanded and de-duplicated", async () => {
    const { graph, getUserToken, provider } = setup();
    graph.list.resolves([
      {
        principalId: alice.userId,
        roleDefinitionId: GLOBAL_READER,
        directoryScopeId: '/',
        endDateTime: '2030-02-01T00:00:00Z',
        roleDefinition: { displayName: 'Global Reader' },
      },
      {
        principalId: 'group-id',
        roleDefinitionId: GLOBAL_READER,
        directoryScopeId: '/',
        endDateTime: null,
        memberType: 'Group',
        roleDefinition: { displayName: 'Global Reader' },
      },
      { junk: true },
    ]);
    const list = await provider.listEligibilities(alice);
    assert.equal(list.length, 1);
    assert.equal(list[0]!.roleName, 'Global Reader');
    assert.equal(list[0]!.endDateTime, null, 'the permanent one outlives the dated one');
    // The role's description and isPrivileged come along for the approval card (isPrivileged only when $select names it).
    assert.deepEqual(graph.list.firstCall.args, [
      'user-token',
      ENTRA_PATHS.eligibilityInstances,
      { expand: 'roleDefinition($select=id,displayName,description,isPrivileged)' },
    ]);
    assert.equal(list[0]!.definition, undefined, 'a roleDefinition without isPrivileged says nothing about it');
    assert.deepEqual(getUserToken.firstCall.args[0], { user: alice, resource: 'graph' });
  });

  it("carries the expanded role definition's description and isPrivileged", async () => {
    const { graph, provider } = setup();
    graph.list.resolves([
      {
        principalId: alice.userId,
        roleDefinitionId: GLOBAL_READER,
        directoryScopeId: '/',
        endDateTime: null,
        roleDefinition: { displayName: 'Global Reader', description: 'Can read everything.', isPrivileged: true },
      },
    ]);
    const [e] = await provider.listEligibilities(alice);
    assert.deepEqual(e!.definition, { description: 'Can read everything.', privileged: true });
  });

  it("lists the user's requests of one role, every status, at the eligibility's scope; an admin's permanent assignment is no activation", async () => {
    const { graph, provider } = setup();
    const request = (
      id: string,
      status: string,
      directoryScopeId = '/',
      expiration: object = { type: 'afterDuration', duration: 'PT1H' },
    ) => ({
      id,
      status,
      action: 'selfActivate',
      principalId: alice.userId,
      roleDefinitionId: GLOBAL_READER,
      directoryScopeId,
      createdDateTime: '2030-01-01T09:00:00Z',
      scheduleInfo: { startDateTime: '2030-01-01T09:00:00Z', expiration },
    });
    graph.list.resolves([
      request('11111111-1111-4111-8111-111111111111', 'Provisioned'),
      request('22222222-2222-4222-8222-222222222222', 'PendingApproval'),
      request('33333333-3333-4333-8333-333333333333', 'Provisioned', '/administrativeUnits/au-1'),
      request('44444444-4444-4444-8444-444444444444', 'Provisioned', '/', { type: 'noExpiration' }),
    ]);
    const list = await provider.listRoleRequests(alice, eligible);
    assert.deepEqual(
      list.map((r) => [r.id.slice(0, 1), r.status, r.roleName]),
      [
        ['1', 'provisioned', 'Global Reader'],
        ['2', 'pendingApproval', 'Global Reader'],
      ],
    );
    assert.deepEqual(graph.list.firstCall.args, [
      'user-token',
      ENTRA_PATHS.myRequests,
      { filter: `roleDefinitionId eq '${GLOBAL_READER}'` },
    ]);
  });

  it('asks for the role policy with a validated, quoted id', async () => {
    const { graph, provider } = setup();
    graph.list.resolves([{ policy: { rules: [] } }]);
    await provider.getConstraints(alice, eligible);
    const [, path, query] = graph.list.firstCall.args;
    assert.equal(path, ENTRA_PATHS.policyAssignments);
    assert.deepEqual(query, {
      filter: `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${GLOBAL_READER}'`,
      expand: 'policy($expand=rules)',
    });
  });

  it('never puts a non-GUID role id into $filter', async () => {
    const { graph, provider } = setup();
    await assert.rejects(
      provider.getConstraints(alice, { ...eligible, roleId: "x' or 1 eq 1 or roleDefinitionId eq '" }),
      (e: unknown) => e instanceof PimError && e.kind === 'invalidInput',
    );
    assert.equal(graph.list.callCount, 0);
  });

  it('posts a selfActivate for the user with duration, justification and ticket', async () => {
    const { graph, getUserToken, provider } = setup();
    graph.post.resolves({
      id: '11111111-1111-4111-8111-111111111111',
      status: 'Provisioned',
      createdDateTime: '2030-01-01T10:00:00Z',
      principalId: alice.userId,
      roleDefinitionId: GLOBAL_READER,
      directoryScopeId: '/',
      justification: 'audit',
      scheduleInfo: { startDateTime: '2030-01-01T10:00:00Z', expiration: { type: 'afterDuration', duration: 'PT1H30M' } },
      ticketInfo: { ticketNumber: 'INC-42', ticketSystem: null },
    });
    const result = await provider.activate(alice, eligible, {
      eligibilityKey: eligible.key,
      durationMinutes: 90,
      justification: '  audit ',
      ticket: { number: 'INC-42' },
      claims: '{"access_token":{}}',
    });
    const [token, path, body] = graph.post.firstCall.args;
    assert.equal(token, 'user-token');
    assert.equal(path, ENTRA_PATHS.scheduleRequests);
    assert.deepEqual(body, {
      action: 'selfActivate',
      principalId: alice.userId,
      roleDefinitionId: GLOBAL_READER,
      directoryScopeId: '/',
      justification: 'audit',
      ticketInfo: { ticketNumber: 'INC-42', ticketSystem: null },
      scheduleInfo: { startDateTime: '2030-01-01T10:00:00.000Z', expiration: { type: 'AfterDuration', duration: 'PT1H30M' } },
    });
    assert.deepEqual(getUserToken.firstCall.args[0], { user: alice, resource: 'graph', claims: '{"access_token":{}}' });
    assert.equal(result.status, 'provisioned');
    assert.equal(result.roleName, 'Global Reader');
    assert.equal(result.endDateTime.toISOString(), '2030-01-01T11:30:00.000Z');
    assert.deepEqual(result.ticket, { number: 'INC-42' });
  });

  it('omits an empty justification and ticket', async () => {
    const { graph, provider } = setup();
    graph.post.resolves({
      id: 'r',
      principalId: alice.userId,
      roleDefinitionId: GLOBAL_READER,
      status: 'PendingApproval',
      scheduleInfo: { startDateTime: '2030-01-01T10:00:00Z', expiration: { type: 'AfterDuration', duration: 'PT1H' } },
    });
    const result = await provider.activate(alice, eligible, { eligibilityKey: eligible.key, durationMinutes: 60, justification: '   ' });
    const body = graph.post.firstCall.args[2] as Record<string, unknown>;
    assert.equal('justification' in body, false);
    assert.equal('ticketInfo' in body, false);
    assert.equal(result.status, 'pendingApproval');
  });

  it('gets a request by GUID only', async () => {
    const { graph, provider } = setup();
    await assert.rejects(
      provider.getRequest(alice, '../roleDefinitions'),
      (e: unknown) => e instanceof PimError && e.kind === 'invalidInput',
    );
    assert.equal(graph.get.callCount, 0);
  });

  it('passes PimErrors from the token provider through untouched', async () => {
    const { graph, getUserToken, provider } = setup();
    const err = new PimError('authenticationRequired', 'x', { claims: '{}' });
    getUserToken.rejects(err);
    await assert.rejects(provider.listActive(alice), (e: unknown) => e === err);
    assert.equal(graph.list.callCount, 0);
  });
});
