// Admin questions through the MainDialog with a sinon-faked AdminService: each phrasing reaches the
// right query with ids resolved from the tenant's names, and the answer is a table card.
import assert from 'node:assert/strict';
import { MemoryStorage, type Activity } from 'botbuilder';
import sinon from 'sinon';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_TENANT_ID, DEMO_USERS } from '../../../../emulator/tenant/demoTenant';
import { REFUSAL } from '../../../../dialogs/admin/adminQuestions';
import type { AdminService } from '../../../../services/admin/adminService';
import type { AdminAccess, AdminDirectory, Holder } from '../../../../services/admin/model';
import { ALICE, cardText, fakePim, NOW, submitActions } from '../../../support/botHarness';
import { startChat } from '../dialogClient';

const CAROL = { id: '29:carol', name: DEMO_USERS.carol.displayName, aadObjectId: DEMO_USERS.carol.id } as const;
const ERIN = { id: '29:erin', name: DEMO_USERS.erin.displayName, aadObjectId: DEMO_USERS.erin.id } as const;
const SUB = '/subscriptions/c0de5000-0000-4000-8000-0000000000f1';
const RG = `${SUB}/resourceGroups/rg-web`;
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const TOO_MANY_GA = `DirectoryRole_${DEMO_TENANT_ID}_TooManyGlobalAdminsAssignedToTenantAlert`;
const OUTSIDE_PIM = `DirectoryRole_${DEMO_TENANT_ID}_RolesAssignedOutsidePimAlert`;

const DIRECTORY: AdminDirectory = {
  roles: Object.values(DEMO_ROLES).map((r) => ({ id: r.id, name: r.displayName })),
  users: Object.values(DEMO_USERS).map((u) => ({ id: u.id, name: u.displayName, userPrincipalName: u.userPrincipalName })),
  groups: Object.values(DEMO_GROUPS).map((g) => ({ id: g.id, name: g.displayName })),
  azureScopes: [
    { id: SUB.toLowerCase(), name: 'Contoso Prod' },
    { id: RG.toLowerCase(), name: 'rg-web' },
  ],
  azureRoles: [
    { id: OWNER, name: 'Owner' },
    { id: CONTRIBUTOR, name: 'Contributor' },
    { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader' },
  ],
  alerts: [
    { id: TOO_MANY_GA, name: 'There are too many global administrators' },
    { id: OUTSIDE_PIM, name: 'Roles are being assigned outside of Privileged Identity Management' },
  ],
};

function fakeAdmin(access: AdminAccess = { kind: 'role', roleNames: ['Privileged Role Administrator'] }) {
  const empty = { items: [], readAt: NOW, notes: [] };
  const holder = (name: string, until: Date | null, outsidePim: boolean): Holder => ({
    principal: { id: DEMO_USERS.carol.id, displayName: name, kind: 'user' },
    assignmentType: outsidePim ? 'assigned' : 'activated',
    outsidePim,
    viaGroup: false,
    since: null,
    until,
  });
  const stubs = {
    access: sinon.stub().resolves(access),
    directory: sinon.stub().resolves(DIRECTORY),
    activeHolders: sinon
      .stub()
      .resolves({ ...empty, items: [holder('Carol Chen', null, true), holder('Alice Adams', new Date(NOW.getTime() + 3600_000), false)] }),
    eligibleHolders: sinon.stub().resolves({
      ...empty,
      items: [
        { principal: { id: DEMO_USERS.alice.id, displayName: 'Alice Adams', kind: 'user' }, viaGroup: false, since: null, until: null },
      ],
    }),
    pendingApprovals: sinon.stub().resolves({
      ...empty,
      items: [
        {
          id: 'r1',
          surface: 'entraRole',
          principal: { id: DEMO_USERS.alice.id, displayName: 'Alice Adams', kind: 'user' },
          roleName: 'User Administrator',
          scopeName: 'Directory',
          createdDateTime: new Date(NOW.getTime() - 2 * 3600_000),
          justification: 'old one',
          ticketNumber: 'INC-1',
          durationMinutes: 60,
        },
        {
          id: 'r2',
          surface: 'entraRole',
          principal: { id: DEMO_USERS.alice.id, displayName: 'Alice Adams', kind: 'user' },
          roleName: 'User Administrator',
          scopeName: 'Directory',
          createdDateTime: new Date(NOW.getTime() - 10 * 60_000),
          justification: 'fresh one',
          ticketNumber: null,
          durationMinutes: 30,
        },
      ],
    }),
    activity: sinon.stub().resolves(empty),
    alerts: sinon.stub().resolves({
      ...empty,
      items: [
        {
          id: OUTSIDE_PIM,
          displayName: 'Roles are being assigned outside of Privileged Identity Management',
          severity: 'high',
          incidentCount: 1,
          isActive: true,
          lastScanned: NOW,
          description: '',
          mitigation: '',
          settings: [],
        },
      ],
    }),
    alertIncidents: sinon
      .stub()
      .resolves({ ...empty, items: [{ id: 'i1', subject: 'Carol Chen', detail: 'holds Privileged Role Administrator' }] }),
    refreshAlerts: sinon.stub().resolves(NOW),
    roleSettings: sinon.stub().resolves({
      maxActivationMinutes: 240,
      requiresApproval: true,
      approvers: ['PIM Approvers'],
      requiresMfa: false,
      authenticationContext: null,
      requiresJustification: true,
      requiresTicket: true,
      maxEligibilityDays: 365,
      maxAssignmentDays: 180,
      notifications: [],
    }),
  };
  return { service: stubs as unknown as AdminService, stubs };
}

function chat(admin: AdminService, adminCursorStorage?: MemoryStorage, now: Date = NOW) {
  const { pim, say } = startChat(fakePim(), now, { admin, ...(adminCursorStorage ? { adminCursorStorage } : {}) });
  // Admin questions come from Carol unless a test says otherwise.
  return { pim, say: (activity: string | Partial<Activity>, from: Partial<Activity['from']> = CAROL) => say(activity, from) };
}

const DAY = 86_400_000;
const startOfDay = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate());
const role = (r: { id: string; displayName: string }) => ({ surface: 'entraRole', roleId: r.id, roleName: r.displayName });
const azure = (scopeId: string, scopeName: string, roleDefinitionId: string, roleName: string) => ({
  surface: 'azureResource',
  scopeId: scopeId.toLowerCase(),
  scopeName,
  roleDefinitionId,
  roleName,
});

type Stubs = ReturnType<typeof fakeAdmin>['stubs'];
interface Case {
  readonly say: string;
  readonly query: keyof Stubs;
  readonly check?: (s: Stubs) => void;
  readonly answer: RegExp;
}

const CASES: Case[] = [
  {
    say: 'who has Global Administrator',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], role(DEMO_ROLES.globalAdministrator)),
    answer: /Who holds Global Administrator now[\s\S]*Permanent, assigned outside PIM[\s\S]*PIM activation/,
  },
  { say: 'who holds Global Administrator right now?', query: 'activeHolders', answer: /Who holds Global Administrator now/ },
  {
    say: 'Who has the GA role',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], role(DEMO_ROLES.globalAdministrator)),
    answer: /Global Administrator/,
  },
  {
    say: 'can you tell me who holds Privileged Role Administrator',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], role(DEMO_ROLES.privilegedRoleAdministrator)),
    answer: /Privileged Role Administrator/,
  },
  { say: 'which users have Security Administrator', query: 'activeHolders', answer: /Who holds Security Administrator now/ },
  { say: 'Global Reader holders', query: 'activeHolders', answer: /Who holds Global Reader now/ },
  {
    say: 'who is in global adminstrator',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], role(DEMO_ROLES.globalAdministrator)),
    answer: /Global Administrator/,
  },
  {
    say: 'who holds Owner on Contoso Prod right now',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], azure(SUB, 'Contoso Prod', OWNER, 'Owner')),
    answer: /Who holds Owner on Contoso Prod now/,
  },
  {
    say: 'who has Contributor on rg-web',
    query: 'activeHolders',
    check: (s) => assert.deepEqual(s.activeHolders.firstCall.args[1], azure(RG, 'rg-web', CONTRIBUTOR, 'Contributor')),
    answer: /Contributor on rg-web/,
  },
  {
    say: 'who is eligible for Contributor on rg-web',
    query: 'eligibleHolders',
    check: (s) => assert.deepEqual(s.eligibleHolders.firstCall.args[1], azure(RG, 'rg-web', CONTRIBUTOR, 'Contributor')),
    answer: /Who is eligible for Contributor on rg-web/,
  },
  {
    say: 'settings of Contributor on Contoso Prod',
    query: 'roleSettings',
    check: (s) => assert.deepEqual(s.roleSettings.firstCall.args[1], azure(SUB, 'Contoso Prod', CONTRIBUTOR, 'Contributor')),
    answer: /Settings of Contributor on Contoso Prod/,
  },
  {
    say: 'who is eligible for SRE On-Call owner',
    query: 'eligibleHolders',
    check: (s) =>
      assert.deepEqual(s.eligibleHolders.firstCall.args[1], {
        surface: 'group',
        groupId: DEMO_GROUPS.sreOnCall.id,
        groupName: 'SRE On-Call',
        accessId: 'owner',
      }),
    answer: /SRE On-Call \(owner\)/,
  },
  {
    say: 'who are the members of SRE On-Call',
    query: 'activeHolders',
    check: (s) =>
      assert.deepEqual(s.activeHolders.firstCall.args[1], {
        surface: 'group',
        groupId: DEMO_GROUPS.sreOnCall.id,
        groupName: 'SRE On-Call',
        accessId: 'member',
      }),
    answer: /SRE On-Call \(member\)/,
  },
  {
    say: 'who is eligible for User Administrator',
    query: 'eligibleHolders',
    check: (s) => assert.deepEqual(s.eligibleHolders.firstCall.args[1], role(DEMO_ROLES.userAdministrator)),
    answer: /Who is eligible for User Administrator[\s\S]*Alice Adams/,
  },
  { say: 'who can activate Global Reader', query: 'eligibleHolders', answer: /eligible for Global Reader/ },
  { say: 'list eligible users for Security Administrator', query: 'eligibleHolders', answer: /eligible for Security Administrator/ },
  { say: 'eligibility for user administrator', query: 'eligibleHolders', answer: /eligible for User Administrator/ },
  { say: 'pending approvals', query: 'pendingApprovals', answer: /Requests waiting for approval[\s\S]*old one[\s\S]*fresh one/ },
  { say: 'show me pending requests', query: 'pendingApprovals', answer: /Requests waiting for approval/ },
  { say: 'what is waiting for approval?', query: 'pendingApprovals', answer: /Requests waiting for approval/ },
  {
    say: 'requests waiting more than 1 hour',
    query: 'pendingApprovals',
    answer: /Requests waiting more than 1 hour(?![\s\S]*fresh one)[\s\S]*old one/,
  },
  { say: 'approvals pending for more than 30 minutes', query: 'pendingApprovals', answer: /waiting more than 30 minutes[\s\S]*old one/ },
  { say: 'requests older than 2h', query: 'pendingApprovals', answer: /waiting more than 2 hours/ },
  {
    say: 'what did alice activate this week',
    query: 'activity',
    check: (s) => {
      const q = s.activity.firstCall.args[1];
      assert.equal(q.principalId, DEMO_USERS.alice.id);
      assert.equal(q.only, 'activations');
      assert.equal(q.from.getTime(), startOfDay - ((NOW.getUTCDay() + 6) % 7) * DAY);
    },
    answer: /What Alice Adams activated this week/,
  },
  {
    say: "alice's activations yesterday",
    query: 'activity',
    check: (s) => assert.equal(s.activity.firstCall.args[1].from.getTime(), startOfDay - DAY),
    answer: /Alice Adams activated yesterday/,
  },
  {
    say: 'what has bob@contoso.example requested in the last 3 days',
    query: 'activity',
    check: (s) => assert.equal(s.activity.firstCall.args[1].principalId, DEMO_USERS.bob.id),
    answer: /Bob Brown activated the last 3 days/,
  },
  {
    say: 'activations of Security Administrator today',
    query: 'activity',
    check: (s) => {
      assert.equal(s.activity.firstCall.args[1].roleId, DEMO_ROLES.securityAdministrator.id);
      assert.equal(s.activity.firstCall.args[1].from.getTime(), startOfDay);
    },
    answer: /Activations of Security Administrator today/,
  },
  {
    say: 'who activated Global Reader in the last 24 hours',
    query: 'activity',
    check: (s) => assert.equal(s.activity.firstCall.args[1].from.getTime(), NOW.getTime() - DAY),
    answer: /Activations of Global Reader the last 24 hours/,
  },
  {
    say: 'PIM activity this week',
    query: 'activity',
    check: (s) => assert.equal(s.activity.firstCall.args[1].principalId, undefined),
    answer: /PIM activity this week/,
  },
  { say: 'alerts', query: 'alerts', answer: /PIM alerts[\s\S]*High[\s\S]*outside of Privileged Identity Management/ },
  { say: 'what alerts are firing?', query: 'alerts', answer: /PIM alerts/ },
  { say: 'any security alerts', query: 'alerts', answer: /PIM alerts/ },
  {
    say: 'show incidents for too many global admins',
    query: 'alertIncidents',
    check: (s) => assert.equal(s.alertIncidents.firstCall.args[1], TOO_MANY_GA),
    answer: /Incidents: There are too many global administrators[\s\S]*Carol Chen/,
  },
  {
    say: 'incidents for roles assigned outside PIM',
    query: 'alertIncidents',
    check: (s) => assert.equal(s.alertIncidents.firstCall.args[1], OUTSIDE_PIM),
    answer: /Incidents: Roles are being assigned outside/,
  },
  {
    say: 'rescan alerts',
    query: 'refreshAlerts',
    check: (s) => assert.equal(s.refreshAlerts.firstCall.args[1], undefined),
    answer: /PIM alerts after the rescan/,
  },
  { say: 'refresh the PIM alerts now', query: 'refreshAlerts', answer: /after the rescan/ },
  {
    say: 'settings of User Administrator',
    query: 'roleSettings',
    check: (s) => assert.deepEqual(s.roleSettings.firstCall.args[1], role(DEMO_ROLES.userAdministrator)),
    answer: /Settings of User Administrator[\s\S]*4 hours[\s\S]*Required: PIM Approvers[\s\S]*Ticket/,
  },
  { say: 'User Administrator settings', query: 'roleSettings', answer: /Settings of User Administrator/ },
  { say: 'how is Global Reader configured', query: 'roleSettings', answer: /Settings of Global Reader/ },
  { say: 'what does Security Administrator require?', query: 'roleSettings', answer: /Settings of Security Administrator/ },
];

describe('admin questions (MainDialog, faked AdminService)', () => {
  it(`has at least 30 phrasings (${CASES.length})`, () => assert.ok(CASES.length >= 30));

  for (const c of CASES) {
    it(`"${c.say}" → ${c.query}`, async () => {
      const { service, stubs } = fakeAdmin();
      const [reply, ...rest] = await chat(service).say(c.say);
      assert.equal(rest.length, 0);
      assert.equal(stubs[c.query].callCount, 1, `${c.query} called once`);
      const queries = (Object.keys(stubs) as (keyof Stubs)[]).filter(
        (k) => !['access', 'directory', c.query].includes(k) && !(c.query === 'refreshAlerts' && k === 'alerts'),
      );
      for (const other of queries) assert.equal(stubs[other].callCount, 0, `${other} not called`);
      assert.equal(stubs[c.query].firstCall.args[0].user.userId, CAROL.aadObjectId, 'asks as the sender');
      c.check?.(stubs);
      assert.match(cardText(reply), c.answer);
      assert.match(cardText(reply), /Read from PIM \{\{DATE\(/);
      assert.ok(Buffer.byteLength(JSON.stringify(reply!.attachments![0]!.content)) < 28 * 1024);
    });
  }

  it('refuses tenant-wide questions from someone who is not an admin, and reads nothing', async () => {
    const { service, stubs } = fakeAdmin({ kind: 'none' });
    for (const q of [
      'who has Global Administrator',
      'pending approvals',
      'alerts',
      'what did alice activate this week',
      'settings of Privileged Role Administrator',
    ]) {
      const [reply] = await chat(service).say(q, ERIN);
      assert.equal(reply!.text, REFUSAL, q);
    }
    for (const k of ['activeHolders', 'pendingApprovals', 'alerts', 'activity', 'roleSettings'] as const)
      assert.equal(stubs[k].callCount, 0, k);
  });

  it('answers a non-admin about their own access: their activity, and the settings of a role they may activate', async () => {
    const { service, stubs } = fakeAdmin({ kind: 'none' });
    const c = chat(service);
    const [mine] = await c.say('what did I activate this week', ALICE);
    assert.match(cardText(mine), /What You activated this week/);
    assert.equal(stubs.activity.firstCall.args[1].principalId, ALICE.aadObjectId);
    const [settings] = await c.say('settings of User Administrator', ALICE);
    assert.match(cardText(settings), /Settings of User Administrator/);
  });

  for (const injection of [
    "who has Global Administrator' or 1 eq 1",
    "who has Global Administrator') or (1 eq 1",
    "who is eligible for x' or startswith(displayName,'a')",
  ]) {
    it(`answers an injection attempt as an unknown role, with no data: ${injection}`, async () => {
      const { service, stubs } = fakeAdmin();
      const [reply, ...rest] = await chat(service).say(injection);
      assert.equal(rest.length, 0);
      assert.match(reply!.text ?? '', /I don't know a role called/);
      assert.equal(stubs.activeHolders.callCount + stubs.eligibleHolders.callCount, 0);
    });
  }

  it('echoes an unknown role typed as a link back as inert text (issue 13, item 4)', async () => {
    const { service } = fakeAdmin();
    const [reply] = await chat(service).say('who has [Global Admin](https://evil.example/x)');
    const text = reply!.text ?? '';
    assert.match(text, /I don't know a role called/);
    assert.match(text, /Global Admin/);
    assert.doesNotMatch(text, /\]\(|https?:\/\/|evil\.example/, 'no link and no address left to click');
  });

  it('pages long answers with "Show more" carrying only a cursor, for the asker only', async () => {
    const { service, stubs } = fakeAdmin();
    const many = Array.from({ length: 23 }, (_, i) => ({
      principal: { id: `u${i}`, displayName: `User ${String(i).padStart(2, '0')}`, kind: 'user' as const },
      assignmentType: 'activated' as const,
      outsidePim: false,
      viaGroup: false,
      since: null,
      until: null,
    }));
    stubs.activeHolders.resolves({ items: many, readAt: NOW, notes: [] });
    const c = chat(service);
    const [first] = await c.say('who has Global Reader');
    assert.match(cardText(first), /rows 1-10 of 23[\s\S]*User 00[\s\S]*User 09/);
    const [more] = submitActions(first);
    assert.equal(more!.title, 'Show more');
    assert.deepEqual(Object.keys(more!.data).sort(), ['action', 'cursor']);
    assert.match(String(more!.data['cursor']), /^[0-9a-f-]{36}\.10$/);
    const [second] = await c.say({ value: more!.data });
    assert.match(cardText(second), /rows 11-20 of 23[\s\S]*User 10/);
    assert.doesNotMatch(cardText(second), /User 09/);
    const [third] = await c.say({ value: submitActions(second)[0]!.data });
    assert.match(cardText(third), /rows 21-23 of 23/);
    assert.equal(submitActions(third).length, 0);
    const [stolen] = await c.say({ value: more!.data }, ERIN);
    assert.match(stolen!.text ?? '', /no longer available/);
    assert.equal(stubs.activeHolders.callCount, 3, 'each page is read from PIM again (the cursor holds no rows)');
  });

  it('keeps "Show more" cursors in the bot\'s Storage: another instance continues the list; no rows stored; expiry and owner checked', async () => {
    const { service, stubs } = fakeAdmin();
    const many = Array.from({ length: 15 }, (_, i) => ({
      principal: { id: `u${i}`, displayName: `User ${String(i).padStart(2, '0')}`, kind: 'user' as const },
      assignmentType: 'activated' as const,
      outsidePim: false,
      viaGroup: false,
      since: null,
      until: null,
    }));
    stubs.activeHolders.resolves({ items: many, readAt: NOW, notes: [] });
    const storage = new MemoryStorage();
    const [first] = await chat(service, storage).say('who has Global Reader');
    const data = submitActions(first)[0]!.data;
    const id = String(data['cursor']).split('.')[0]!;
    const stored = (await storage.read([`admin-cursor-${id}`]))[`admin-cursor-${id}`] as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(stored)
        .filter((k) => k !== 'eTag')
        .sort(),
      ['askedAt', 'expiresAt', 'ownerId', 'parse'],
    );
    assert.equal(stored['ownerId'], CAROL.aadObjectId);
    assert.doesNotMatch(JSON.stringify(stored), /User 0/, 'the rows are not stored');
    // A second bot instance: same Storage, its own dialog and process-local state.
    const [second] = await chat(service, storage).say({ value: data });
    assert.match(cardText(second), /rows 11-15 of 15[\s\S]*User 14/);
    assert.equal(stubs.activeHolders.secondCall.args[0].user.userId, CAROL.aadObjectId, 'read again as the asker');
    const [stolen] = await chat(service, storage).say({ value: data }, ERIN);
    assert.match(stolen!.text ?? '', /no longer available/);
    const [late] = await chat(service, storage, new Date(NOW.getTime() + 31 * 60_000)).say({ value: data });
    assert.match(late!.text ?? '', /no longer available/);
    assert.deepEqual(await storage.read([`admin-cursor-${id}`]), {}, 'an expired cursor is removed');
    const [forged] = await chat(service, storage).say({ value: { action: 'adminMore', cursor: `${id.slice(0, -1)}x.10` } });
    assert.match(forged!.text ?? '', /no longer available/);
  });

  it('names an unknown Azure scope or role, and says when Azure roles are not readable', async () => {
    const { service, stubs } = fakeAdmin();
    const [scope] = await chat(service).say('who holds Owner on Contoso Staging');
    assert.match(scope!.text ?? '', /I don't know an Azure scope called "Contoso Staging"/);
    const [azureRole] = await chat(service).say('who holds Janitor on rg-web');
    assert.match(azureRole!.text ?? '', /I don't know an Azure role called "Janitor"/);
    stubs.directory.resolves({ ...DIRECTORY, azureScopes: [], azureRoles: [] });
    const [none] = await chat(service).say('who holds Owner on Contoso Prod');
    assert.match(none!.text ?? '', /no Azure Resource Manager is configured/);
    assert.equal(stubs.activeHolders.callCount, 0);
  });

  it('leaves ordinary commands to the rest of the bot', async () => {
    const { service, stubs } = fakeAdmin();
    const c = chat(service);
    await c.say('my roles');
    await c.say('make me a sandwich');
    assert.equal(stubs.access.callCount, 0);
  });
});
