// The seed of PIM's alerts for directory roles: Microsoft's built-in alert definitions (wording from the
// PIM portal and Graph docs) and the tenant's alert configurations (thresholds). Incidents are not seeded:
// alertsScan.ts computes them from the tenant's state, as PIM's scan does.

export type AlertName =
  | 'TooManyGlobalAdminsAssignedToTenantAlert'
  | 'RolesAssignedOutsidePimAlert'
  | 'NoMfaOnRoleActivationAlert'
  | 'RedundantAssignmentAlert'
  | 'SequentialActivationRenewalsAlert'
  | 'StaleSignInAlert'
  | 'InvalidLicenseAlert';

export interface AlertDefinitionSeed {
  readonly name: AlertName;
  /** Graph's type-name stem for the alert's configuration and incidents. */
  readonly typeStem: string;
  readonly displayName: string;
  readonly description: string;
  readonly severityLevel: 'informational' | 'low' | 'medium' | 'high';
  readonly securityImpact: string;
  readonly mitigationSteps: string;
  readonly howToPrevent: string;
  readonly isRemediatable: boolean;
  readonly isConfigurable: boolean;
  /** Type-specific configuration fields (thresholds), as Graph names them. */
  readonly settings: Readonly<Record<string, string | number>>;
}

export const ALERT_DEFINITIONS: readonly AlertDefinitionSeed[] = [
  {
    name: 'TooManyGlobalAdminsAssignedToTenantAlert',
    typeStem: 'tooManyGlobalAdminsAssignedToTenant',
    displayName: 'There are too many global administrators',
    description:
      'The percentage of global administrators is high, relative to other privileged roles. It is recommended to use least privileged roles, with just enough privileges to perform the required tasks.',
    severityLevel: 'low',
    securityImpact:
      'Global administrator is the highest privileged role. If a Global Administrator is compromised, the attacker gains access to all of their permissions, which puts your whole system at risk.',
    mitigationSteps:
      '·Review the users in the list and remove any that do not absolutely need the Global Administrator role.·Assign lower privileged roles to these users instead.',
    howToPrevent: 'Assign users the least privileged role they need.',
    isRemediatable: true,
    isConfigurable: true,
    settings: { globalAdminCountThreshold: 2, percentageOfGlobalAdminsOutOfRolesThreshold: 4 },
  },
  {
    name: 'RolesAssignedOutsidePimAlert',
    typeStem: 'rolesAssignedOutsidePrivilegedIdentityManagement',
    displayName: 'Roles are being assigned outside of Privileged Identity Management',
    description:
      'Privileged roles are being assigned outside of Privileged Identity Management. These assignments are permanent and are not tracked by PIM.',
    severityLevel: 'high',
    securityImpact: 'Privileged role assignments made outside of PIM are not properly monitored and may indicate an active attack.',
    mitigationSteps:
      '·Review the users in the list and remove them from privileged roles assigned outside of PIM.·Make them eligible in PIM instead.',
    howToPrevent: 'Assign privileged roles through Privileged Identity Management.',
    isRemediatable: true,
    isConfigurable: true,
    settings: {},
  },
  {
    name: 'NoMfaOnRoleActivationAlert',
    typeStem: 'noMfaOnRoleActivation',
    displayName: "Roles don't require multi-factor authentication for activation",
    description: 'Without multi-factor authentication, compromised users can activate privileged roles.',
    severityLevel: 'medium',
    securityImpact: 'Without MFA or an authentication context on activation, a stolen password is enough to activate a privileged role.',
    mitigationSteps: '·Review the roles in the list and require multi-factor authentication (or an authentication context) on activation.',
    howToPrevent: 'Require MFA or a Conditional Access authentication context for every role activation.',
    isRemediatable: true,
    isConfigurable: true,
    settings: {},
  },
  {
    name: 'RedundantAssignmentAlert',
    typeStem: 'redundantAssignment',
    displayName: "Administrators aren't using their privileged roles",
    description: "Users that have been assigned privileged roles they don't need increases the chance of an attack.",
    severityLevel: 'low',
    securityImpact: 'Users who do not use their privileged roles are easier targets: their access is less likely to be noticed if misused.',
    mitigationSteps: '·Review the users in the list and remove them from privileged roles that they do not need.',
    howToPrevent: 'Only assign privileged roles to users who have a business need; schedule regular access reviews.',
    isRemediatable: true,
    isConfigurable: true,
    settings: { duration: 'P30D' },
  },
  {
    name: 'SequentialActivationRenewalsAlert',
    typeStem: 'sequentialActivationRenewals',
    displayName: 'Roles are being activated too frequently',
    description:
      'Multiple activations of the same privileged role by the same user in a short time; the maximum activation duration may be too short.',
    severityLevel: 'low',
    securityImpact:
      'Repeated activations can be an attacker keeping access alive, or a sign that the activation window is too short for the work.',
    mitigationSteps: '·Review the users in the list and make sure the maximum activation duration for their role is long enough.',
    howToPrevent: 'Set the maximum activation duration long enough for users to complete their tasks.',
    isRemediatable: false,
    isConfigurable: true,
    settings: { timeIntervalBetweenActivations: 'PT1H', sequentialActivationCounterThreshold: 2 },
  },
  {
    name: 'StaleSignInAlert',
    typeStem: 'staleSignIn',
    displayName: 'Potential stale accounts in a privileged role',
    description: 'Accounts in a privileged role that have not signed in during the past 30 days.',
    severityLevel: 'medium',
    securityImpact: 'Accounts that have not signed in recently might be no longer in use, and are an easy target.',
    mitigationSteps: '·Review the accounts in the list and remove any that no longer need the privileged role.',
    howToPrevent: 'Review accounts in privileged roles regularly.',
    isRemediatable: true,
    isConfigurable: true,
    settings: { duration: 'P30D' },
  },
  {
    name: 'InvalidLicenseAlert',
    typeStem: 'invalidLicense',
    displayName: "The organization doesn't have Microsoft Entra ID P2 or Microsoft Entra ID Governance",
    description: 'The organization does not have the license needed for Privileged Identity Management.',
    severityLevel: 'low',
    securityImpact: 'PIM features stop working without the license.',
    mitigationSteps: '·Buy Microsoft Entra ID P2 or Microsoft Entra ID Governance licenses.',
    howToPrevent: 'Keep enough licenses for the users of Privileged Identity Management.',
    isRemediatable: false,
    isConfigurable: false,
    settings: {},
  },
];

/** Graph's alert ids: DirectoryRole_{tenantId}_{AlertName} (scope '/' only). */
export function alertId(tenantId: string, name: AlertName): string {
  return `DirectoryRole_${tenantId}_${name}`;
}
