import assert from 'node:assert/strict';
import type { Attachment } from 'botbuilder';
import { heldCard } from '../../../cards/heldViews';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { compactDuration, formatDuration, limitsText, timeLeft } from '../../../cards/format';
import { choicesCard } from '../../../cards/choices';
import { MAX_CARD_BYTES, renderCard } from '../../../cards/render';
import {
  activationResultCard,
  durationCard,
  infoCard,
  justificationCard,
  ROLE_PAGE_SIZE,
  resultsCard,
  signInCard,
  reminderCard,
  myRolesCard,
  roleListCard,
  welcomeCard,
  type RoleView,
} from '../../../cards/views';
import type { ActivationRequest, RequestStatus } from '../../../services/pim/model';
import { aliceEligibilities, NOW } from '../../support/botHarness';
import { toRoleChoices } from '../../../dialogs/roleChoice';

const roles: RoleView[] = toRoleChoices(aliceEligibilities());

function manyRoles(count: number): RoleView[] {
  return Array.from({ length: count }, (_, i) => ({
    ...roles[i % roles.length]!,
    key: `azureResource|/subscriptions/${'0'.repeat(36)}/resourceGroups/rg-${i}|${'f'.repeat(100)}`,
    scopeName: `Resource group rg-${i} in Contoso Prod`,
  }));
}

function request(status: RequestStatus): ActivationRequest {
  return {
    id: '7f0c1a2b-0000-4000-8000-000000000001',
    surface: 'entraRole',
    status,
    roleId: DEMO_ROLES.globalReader.id,
    roleName: 'Global Reader',
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: DEMO_USERS.alice.id,
    startDateTime: NOW,
    endDateTime: new Date(NOW.getTime() + 120 * 60_000),
    createdDateTime: NOW,
    justification: 'Quarterly access review',
    ticket: { number: 'INC-42' },
  };
}

const cards: Array<[string, () => Attachment]> = [
  ['welcome', () => welcomeCard({ displayName: 'Alice Adams', roles })],
  ['welcome without roles', () => welcomeCard({ roles: [] })],
  ['welcome with many roles', () => welcomeCard({ displayName: 'Alice Adams', roles: manyRoles(200) })],
  ['role list', () => roleListCard({ roles })],
  ['role list with many roles', () => roleListCard({ roles: manyRoles(200) })],
  ['duration form', () => durationCard({ roleName: 'Global Reader', minMinutes: 5, maxMinutes: 480, defaultMinutes: 60, lastStep: false })],
  [
    'justification form',
    () =>
      justificationCard({
        roleName: 'User Administrator',
        scopeName: 'Directory',
        durationMinutes: 90,
        askJustification: true,
        askTicket: true,
      }),
  ],
  ...(
    ['provisioned', 'granted', 'pendingApproval', 'pendingProvisioning', 'denied', 'canceled', 'failed', 'revoked', 'other'] as const
  ).map((status): [string, () => Attachment] => [
    `result (${status})`,
    () => activationResultCard(request(status), aliceEligibilities()[1]!.constraints),
  ]),
  ['my roles', () => myRolesCard({ active: [], eligible: roles, now: NOW })],
  ['my roles with many roles', () => myRolesCard({ active: [], eligible: manyRoles(200), now: NOW })],
  ['role list, grouped, second page', () => roleListCard({ roles: manyRoles(200), page: 3, filter: 'rg' })],
  [
    'results',
    () =>
      resultsCard({
        headline: '1 of 2 requests went through',
        items: [
          { label: 'SRE On-Call (member)', status: 'Activated', detail: 'x', tone: 'success' },
          { label: 'Contributor on Contoso Prod', status: 'Not requested', detail: 'y', tone: 'error' },
        ],
      }),
  ],
  [
    'results, many',
    () =>
      resultsCard({
        headline: 'h',
        items: Array.from({ length: 50 }, (_, i) => ({
          label: `Role ${i} `.repeat(10),
          status: 'Activated',
          detail: 'd'.repeat(200),
          tone: 'success' as const,
        })),
      }),
  ],
  [
    'sign-in',
    () =>
      signInCard({
        title: 'Security Administrator needs a stronger sign-in',
        text: 't',
        hint: 'h',
        url: 'https://localhost:8443/t/oauth2/v2.0/authorize?state=x',
      }),
  ],
  [
    'choices (what the bot can do)',
    () =>
      choicesCard({
        title: "I'm not sure what you're asking",
        text: 'I can turn on a role.',
        buttons: [
          { label: 'Activate a role', action: 'activate' },
          { label: 'Help', action: 'ask', question: 'help' },
        ],
      }),
  ],
  [
    'choices (a one-line confirmation)',
    () =>
      choicesCard({
        text: 'Activate Global Reader for 1 hour?',
        buttons: [
          { label: 'Yes', action: 'confirm', answer: 'yes' },
          { label: 'No', action: 'confirm', answer: 'no' },
        ],
      }),
  ],
  [
    'reminder',
    () =>
      reminderCard({ key: 'entraRole|/|x', label: 'Global Reader', end: new Date(NOW.getTime() + 600_000), now: NOW, canExtend: false }),
  ],
  [
    'my access with everything',
    () =>
      myRolesCard({
        active: Array.from({ length: 40 }, () => ({
          key: 'k',
          surface: 'azureResource' as const,
          roleId: 'r',
          roleName: 'Reader',
          scope: { id: '/s', displayName: 'rg-web', kind: 'resourceGroup' as const },
          principalId: 'p',
          startDateTime: NOW,
          endDateTime: new Date(NOW.getTime() + 3_600_000),
          assignmentType: 'activated' as const,
        })),
        eligible: manyRoles(200),
        now: NOW,
        requests: Array.from({ length: 40 }, (_, i) => ({
          id: `r${i}`,
          surface: 'group' as const,
          label: 'SRE On-Call (member)',
          state: 'Waiting for approval',
        })),
      }),
  ],
  [
    'welcome for an approver and admin, many waiting',
    () =>
      welcomeCard({
        displayName: 'Carol Chen',
        roles: manyRoles(200),
        waiting: Array.from({ length: 200 }, () => ({ line: 'Alice Adams asks for User Administrator, since 10:02'.repeat(3) })),
        isAdmin: true,
      }),
  ],
  [
    'already active',
    () =>
      heldCard({
        key: 'entraRole|/|x',
        label: 'Global Reader',
        held: { kind: 'active', end: new Date(NOW.getTime() + 3_600_000).toISOString(), scopeName: 'Directory', activated: true },
        now: NOW,
      }),
  ],
  [
    'already waiting',
    () =>
      heldCard({
        key: 'entraRole|/|x',
        label: 'User Administrator',
        held: {
          kind: 'pending',
          requestId: 'r',
          surface: 'entraRole',
          waitingFor: 'approval',
          since: NOW.toISOString(),
          start: NOW.toISOString(),
        },
        now: NOW,
      }),
  ],
  [
    'role list with every role marked',
    () => roleListCard({ roles: manyRoles(200).map((r) => ({ ...r, status: 'Active now, until {{TIME(2025-03-03T11:32:00Z)}}' })) }),
  ],
  ['info', () => infoCard({ title: 'Cancelled', text: 'Nothing was requested.' })],
  ['error', () => infoCard({ title: 'PIM is busy', text: 'Try later', hint: 'In a minute', tone: 'error' })],
];

describe('cards', () => {
  for (const [name, make] of cards) {
    it(`${name}: an Adaptive Card 1.5, valid JSON, under 28 KB, fully rendered`, () => {
      const attachment = make();
      assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
      const json = JSON.stringify(attachment.content);
      const card = JSON.parse(json) as Record<string, unknown>;
      assert.equal(card['type'], 'AdaptiveCard');
      assert.equal(card['version'], '1.5');
      assert.ok(Buffer.byteLength(json) < MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`);
      assert.doesNotMatch(json, /\$\{/, 'no template expression left');
      assert.doesNotMatch(json, /"\$(data|when)"/, 'no template directive left');
      // Dates go to the client as DATE/TIME functions, which only accept RFC 3339 without fractions.
      for (const [, iso] of json.matchAll(/\{\{(?:DATE|TIME)\(([^,)]+)/g)) assert.match(iso!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  }

  it('lists at most a bounded number of roles and says how many more there are', () => {
    const json = JSON.stringify(roleListCard({ roles: manyRoles(25) }).content);
    assert.equal(json.match(/"pickRole"/g)?.length, ROLE_PAGE_SIZE);
    assert.match(json, /and 10 more/);
    const last = JSON.stringify(roleListCard({ roles: manyRoles(25), page: 1 }).content);
    assert.equal(last.match(/"pickRole"/g)?.length, 10, 'the second page holds the rest');
    assert.doesNotMatch(last, /Show more/);
  });

  it('renders the same card again from its stored copy, never handing out one object twice', () => {
    const data = { title: 'Global Reader', text: 'How long do you need it?', hint: '', color: 'Default' };
    const first = renderCard('info', data);
    const second = renderCard('info', { ...data });
    assert.deepEqual(second.content, first.content);
    assert.notStrictEqual(second.content, first.content);
    // A caller changing its card (a view adding an action) must not change anyone else's.
    (second.content as { body: unknown[] }).body.push({ type: 'TextBlock', text: 'added' });
    assert.deepEqual(renderCard('info', data).content, first.content);
    assert.notDeepEqual(renderCard('info', { ...data, title: 'User Administrator' }).content, first.content);
  });

  it('refuses a card Teams would not render', () => {
    assert.throws(
      () => renderCard('info', { title: 'x', text: 'y'.repeat(MAX_CARD_BYTES), hint: '', color: 'Default' }),
      /over the 28672-byte limit/,
    );
  });

  it('formats durations and limits from the policy', () => {
    assert.equal(formatDuration(90), '1 hour 30 minutes');
    assert.equal(formatDuration(480), '8 hours');
    assert.equal(formatDuration(1), '1 minute');
    assert.equal(compactDuration(90), '1h30m');
    assert.equal(compactDuration(60), '1h');
    assert.equal(compactDuration(30), '30m');
    assert.equal(timeLeft(new Date(NOW.getTime() + 118 * 60_000 + 30_000), NOW), '1 hour 58 minutes left');
    assert.equal(timeLeft(new Date(NOW.getTime() + 20_000), NOW), 'ending now');
    assert.equal(
      limitsText(aliceEligibilities()[1]!.constraints),
      'Up to 4 hours · justification · ticket number · approval by PIM Approvers',
    );
  });
});
