// The demo tenant of DESIGN.md section 3: the one place its ids live. The emulator seeds from it,
// the Playground personas and the docs use the same ids.

export const DEMO_TENANT_ID = 'c0de0000-0000-4000-8000-00000000c0de';
export const DEMO_DOMAIN = 'contoso.example';

export interface DemoUser {
  readonly id: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly userPrincipalName: string;
  readonly persona: 'employee' | 'approver' | 'admin' | 'none';
}

export const DEMO_USERS = {
  alice: {
    id: '0a11ce00-0000-4000-8000-000000000001',
    displayName: 'Alice Adams',
    givenName: 'Alice',
    userPrincipalName: 'alice@contoso.example',
    persona: 'employee',
  },
  bob: {
    id: '0b0b0000-0000-4000-8000-000000000002',
    displayName: 'Bob Brown',
    givenName: 'Bob',
    userPrincipalName: 'bob@contoso.example',
    persona: 'approver',
  },
  carol: {
    id: '0ca201e0-0000-4000-8000-000000000003',
    displayName: 'Carol Chen',
    givenName: 'Carol',
    userPrincipalName: 'carol@contoso.example',
    persona: 'admin',
  },
  dave: {
    id: '0da7e000-0000-4000-8000-000000000004',
    displayName: 'Dave Diaz',
    givenName: 'Dave',
    userPrincipalName: 'dave@contoso.example',
    persona: 'approver',
  },
  erin: {
    id: '0e214000-0000-4000-8000-000000000005',
    displayName: 'Erin Evans',
    givenName: 'Erin',
    userPrincipalName: 'erin@contoso.example',
    persona: 'none',
  },
  // Not in DESIGN.md's table: the Agents Playground config wants exactly five users besides the
  // signed-in one, so each persona's chat needs a sixth person in the tenant.
  frank: {
    id: '0f2a0c00-0000-4000-8000-000000000006',
    displayName: 'Frank Fischer',
    givenName: 'Frank',
    userPrincipalName: 'frank@contoso.example',
    persona: 'none',
  },
} as const satisfies Record<string, DemoUser>;

/** Microsoft's real template ids for the built-in roles the demo uses. */
export const DEMO_ROLES = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator' },
  globalReader: { id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', displayName: 'Global Reader' },
  userAdministrator: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', displayName: 'User Administrator' },
  securityAdministrator: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', displayName: 'Security Administrator' },
  privilegedRoleAdministrator: { id: 'e8611ab8-c189-46e8-94e1-60213ab1f814', displayName: 'Privileged Role Administrator' },
} as const;

export const DEMO_GROUPS = {
  pimApprovers: { id: '0a990000-0000-4000-8000-0000000000a1', displayName: 'PIM Approvers' },
  sreOnCall: { id: '05e00000-0000-4000-8000-0000000000a2', displayName: 'SRE On-Call' },
  /** Role-assignable: what ADMIN_GROUP_ID must name (PIM Approvers, not role-assignable, is refused). */
  accessReviewers: { id: '0ac0e500-0000-4000-8000-0000000000a3', displayName: 'Access Reviewers' },
} as const;

/** Azure side: the subscription and resource groups the ARM surface serves. */
export const DEMO_AZURE = {
  subscription: { id: 'c0de5000-0000-4000-8000-0000000000f1', displayName: 'Contoso Prod' },
  resourceGroup: { name: 'rg-web' },
  managementGroup: { name: 'mg-contoso', displayName: 'Contoso' },
  /** A web app in rg-web: the resource-level scope. */
  site: { name: 'contoso-web' },
} as const;

/** The bot's own app registration in the local tenant; its secret is generated at first start, never committed. */
export const LOCAL_BOT_APP = {
  clientId: 'b0700000-0000-4000-8000-0000000000b0',
  displayName: 'PIM Bot (local)',
} as const;

/** The Playground team's "PIM approvals" channel: `npm start` routes approval cards there (APPROVERS_CHANNEL_ID). */
export const DEMO_APPROVALS_CHANNEL = { id: '19:pim-approvals@thread.tacv2', name: 'PIM approvals' } as const;

/**
 * The bot's Teams app in the local tenant's app catalog (the catalog id Graph installs by: production
 * sets TEAMS_APP_CATALOG_ID to its own). Its manifest id and bot are the local bot app.
 */
export const LOCAL_TEAMS_APP = {
  catalogId: 'a9900000-0000-4000-8000-0000000000a9',
  externalId: LOCAL_BOT_APP.clientId,
  displayName: LOCAL_BOT_APP.displayName,
} as const;
