// Finding the request a PendingRoleAssignmentRequest refusal is about: the user's own activation of the
// same role at the same scope that waits for approval, read from that surface's provider only.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { findPendingActivation } from '../../../../services/pim/pendingActivation';
import { eligibilityKey, type ActivationRequest, type Scope, type Surface, type UserContext } from '../../../../services/pim/model';
import { ProviderPimService } from '../../../../services/pim/pimService';
import type { PimProvider } from '../../../../services/pim/service';

const alice: UserContext = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
const SUB = '/subscriptions/c0de5000-0000-4000-8000-0000000000f1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const subScope: Scope = { id: SUB, displayName: 'Contoso Prod', kind: 'subscription' };

function azureRequest(id: string, overrides: Partial<ActivationRequest> = {}): ActivationRequest {
  return {
    id: `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${id}`,
    surface: 'azureResource',
    status: 'pendingApproval',
    action: 'activate',
    roleId: `/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR.toUpperCase()}`,
    roleName: 'Contributor',
    scope: { ...subScope, id: SUB.toUpperCase() },
    principalId: alice.userId.toUpperCase(),
    startDateTime: new Date(0),
    endDateTime: new Date(3_600_000),
    createdDateTime: new Date(0),
    justification: null,
    ticket: null,
    ...overrides,
  };
}

function provider(surface: Surface, requests: ActivationRequest[]): PimProvider & { listRequests: sinon.SinonStub } {
  const refuse = () => sinon.stub().rejects(new Error('not used'));
  return {
    surface,
    listEligibilities: refuse(),
    listActive: refuse(),
    getConstraints: refuse(),
    activate: refuse(),
    validate: refuse(),
    deactivate: refuse(),
    extend: refuse(),
    cancel: refuse(),
    getRequest: refuse(),
    listRequests: sinon.stub().resolves(requests),
  };
}

describe('services/pim findPendingActivation', () => {
  // The eligibility names the role under the subscription; PIM's request under the tenant root, in other case.
  const key = eligibilityKey('azureResource', SUB, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`);

  it("finds the user's newest activation of the role at the scope that waits for approval, asking that surface only", async () => {
    const entra = provider('entraRole', []);
    const azure = provider('azureResource', [
      azureRequest('00000000-0000-4000-8000-000000000001', {
        roleId: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      }),
      azureRequest('00000000-0000-4000-8000-000000000002', {
        scope: { id: `${SUB}/resourceGroups/rg-web`, displayName: 'rg-web', kind: 'resourceGroup' },
      }),
      azureRequest('00000000-0000-4000-8000-000000000003', { principalId: '0b0b0000-0000-4000-8000-000000000002' }),
      azureRequest('00000000-0000-4000-8000-000000000004', { action: 'extend' }),
      azureRequest('00000000-0000-4000-8000-000000000005', { status: 'granted' }),
      azureRequest('00000000-0000-4000-8000-000000000006', { createdDateTime: new Date(1_000) }),
      azureRequest('00000000-0000-4000-8000-000000000007', { createdDateTime: new Date(5_000) }),
    ]);
    const found = await findPendingActivation(new ProviderPimService([entra, azure]), alice, key);
    assert.equal(found?.id.split('/').pop(), '00000000-0000-4000-8000-000000000007');
    assert.equal(entra.listRequests.callCount, 0);
    assert.equal(azure.listRequests.callCount, 1);
  });

  it('asks no provider for a key that names no surface (an empty prefix once read every surface)', async () => {
    const entra = provider('entraRole', []);
    const azure = provider('azureResource', [azureRequest('00000000-0000-4000-8000-000000000001')]);
    for (const bad of [`|${SUB}|${CONTRIBUTOR}`, `azure|${SUB}|${CONTRIBUTOR}`, '']) {
      assert.equal(await findPendingActivation(new ProviderPimService([entra, azure]), alice, bad), undefined, bad);
    }
    assert.equal(entra.listRequests.callCount + azure.listRequests.callCount, 0);
  });

  it('nothing when no request of the user waits for that role there', async () => {
    const azure = provider('azureResource', [azureRequest('00000000-0000-4000-8000-000000000001', { status: 'granted' })]);
    assert.equal(await findPendingActivation(new ProviderPimService([azure]), alice, key), undefined);
  });
});
