// Alice's eligibilities on all three surfaces (DESIGN.md section 3), plus a second Reader on
// another resource group so that "reader" alone is ambiguous.
import { DEMO_AZURE, DEMO_GROUPS, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { eligibilityKey, type Constraints, type EligibilityWithConstraints, type Scope, type Surface } from '../../../services/pim/model';
import { aliceEligibilities } from '../../support/botHarness';

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
export const SCOPES = {
  contosoProd: { id: SUB, displayName: DEMO_AZURE.subscription.displayName, kind: 'subscription' },
  rgWeb: { id: `${SUB}/resourceGroups/rg-web`, displayName: 'rg-web', kind: 'resourceGroup' },
  rgApi: { id: `${SUB}/resourceGroups/rg-api`, displayName: 'rg-api', kind: 'resourceGroup' },
  sre: { id: DEMO_GROUPS.sreOnCall.id, displayName: 'SRE On-Call', kind: 'group' },
} satisfies Record<string, Scope>;

const READER = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const CONTRIBUTOR = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;

function limits(overrides: Partial<Constraints>): Constraints {
  return {
    maxDurationMinutes: 480,
    minDurationMinutes: 5,
    requiresJustification: false,
    requiresTicket: false,
    requiresMfa: false,
    authenticationContext: null,
    requiresApproval: false,
    approvers: [],
    ...overrides,
  };
}

function eligible(surface: Surface, scope: Scope, roleId: string, roleName: string, c: Partial<Constraints>): EligibilityWithConstraints {
  return {
    eligibility: {
      key: eligibilityKey(surface, scope.id, roleId),
      surface,
      roleId,
      roleName,
      scope,
      principalId: DEMO_USERS.alice.id,
      endDateTime: null,
    },
    constraints: limits(c),
  };
}

export const SURFACE_KEYS = {
  sre: eligibilityKey('group', SCOPES.sre.id, 'member'),
  contributor: eligibilityKey('azureResource', SCOPES.contosoProd.id, CONTRIBUTOR),
  readerWeb: eligibilityKey('azureResource', SCOPES.rgWeb.id, READER),
  readerApi: eligibilityKey('azureResource', SCOPES.rgApi.id, READER),
};

export function allSurfaces(): EligibilityWithConstraints[] {
  return [
    ...aliceEligibilities(),
    eligible('group', SCOPES.sre, 'member', 'Member', { maxDurationMinutes: 240 }),
    eligible('azureResource', SCOPES.contosoProd, CONTRIBUTOR, 'Contributor', { maxDurationMinutes: 480, requiresApproval: true }),
    eligible('azureResource', SCOPES.rgWeb, READER, 'Reader', { maxDurationMinutes: 480 }),
    eligible('azureResource', SCOPES.rgApi, READER, 'Reader', { maxDurationMinutes: 480 }),
  ];
}
