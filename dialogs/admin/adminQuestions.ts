// Admins ask in plain words: the grammar says what is asked, the names are resolved against the tenant,
// the admin service reads PIM, and the answer is a table card. Tenant-wide questions are for PIM
// administrators (active PRA/GA or the admin group); questions about one's own access always work.
import { MemoryStorage, MessageFactory, type TurnContext } from 'botbuilder';
import { ADMIN_PAGE_SIZE, adminTableCard, type AdminTableView } from '../../cards/adminViews';
import { cardDateTime, formatDuration } from '../../cards/format';
import { plainMessage } from '../../cards/plainText';
import { turnTimes } from '../localTimes';
import { verificationPhrase } from '../../cards/approvals/approverStepUp';
import type { AdminService, DirectoryParts } from '../../services/admin/adminService';
import type { ActivityEntry, AdminDirectory, Asker, RoleRef } from '../../services/admin/model';
import { isPimError } from '../../services/pim/errors';
import type { UserContext } from '../../services/pim/model';
import type { KeyValueStorage } from '../../services/store/keyValueStorage';
import type { DialogDeps } from '../deps';
import { sendFailure } from '../failure';
import type { MessageInput } from '../input';
import { parseCommand } from '../parsing/command';
import { AnswerCursors } from './cursors';
import { parseAdminQuestion, type Parse } from './grammar';
import { parseDuration, parsePeriod, resolveAlert, resolveRole, resolveUser, type Period } from './slots';
import { accessSentence, activitySentence, howHeld } from './words';
import { decisionAnswer } from './decisionAnswer';
import { OWN_DECISIONS_NOTE, ownDecisionEntry } from './ownDecisions';
import { verificationOf, verificationsOf, type Verifications } from './verifiedDecisions';

export const ADMIN_MORE_ACTION = 'adminMore';

export const REFUSAL =
  "Sorry, questions about everyone's access are for PIM administrators (an active Privileged Role Administrator or Global Administrator role, " +
  'or membership of the admin group). You can still ask about your own access, for example "what did I activate this week" or "my roles".';
const EXPIRED = 'That list is no longer available. Please ask the question again.';
const AZURE_NOT_WIRED =
  'Questions about Azure resource roles are not available in this bot: no Azure Resource Manager is configured. I can answer for Microsoft Entra roles and PIM groups.';
const AZURE_NEEDS_ROLE =
  'Azure resource roles are read with your own Azure access, so I answer them for an active Privileged Role Administrator or Global Administrator. I can answer for Microsoft Entra roles and PIM groups.';

type TableView = Omit<AdminTableView, 'rows' | 'remaining' | 'cursor' | 'firstRow' | 'total'>;
/** What a question comes to: a sentence, or a table that may run over several pages. */
type Reply =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly view: TableView; readonly rows: readonly (readonly string[])[] };
const text = (t: string): Reply => ({ kind: 'text', text: t });
const table = (view: TableView, rows: readonly (readonly string[])[]): Reply => ({ kind: 'table', view, rows });

/** Without the bot's Storage (unit tests, a bot built without one), cursors live in this process. */
const processLocalCursors = new MemoryStorage();

/**
 * Answers the turn when it is an admin question or a "show more"; false = not for us, route on.
 * `asked`: the question as understanding/understand.ts read it (a phrasing the grammar does not know).
 */
export async function answerAdminQuestion(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  input: MessageInput,
  asked?: Parse,
): Promise<boolean> {
  const admin = deps.admin;
  if (!admin) return false;
  const cursors = new AnswerCursors(deps.adminCursorStorage ?? (processLocalCursors as KeyValueStorage));
  if (input.value?.['action'] === ADMIN_MORE_ACTION) {
    await answering(context, deps, () => showMore(context, deps, admin, cursors, user, input.value!['cursor']));
    return true;
  }
  // The grammar's productions are specific questions, so they are tried before the requester commands
  // ("what did alice activate" is not an activation).
  let parse = asked;
  if (!parse) {
    if (input.action !== undefined || input.text === '') return false;
    const command = parseCommand(input.text).kind;
    if (command === 'welcome' || command === 'myRoles' || command === 'cancel' || command === 'tooLong') return false;
    parse = parseAdminQuestion(input.text);
  }
  if (!parse) return false;
  const question = parse;
  await answering(context, deps, async () => {
    const now = deps.now();
    const asker: Asker = { user, access: await admin.access(user) };
    const reply = await answer(deps, admin, asker, question, now);
    // Pages after the first re-read PIM: a rescan is not repeated, its alerts are listed again.
    const again: Parse = question.intent === 'rescan' ? { intent: 'alerts', slots: {} } : question;
    const cursorId =
      reply.kind === 'table' && reply.rows.length > ADMIN_PAGE_SIZE ? await cursors.save(again, user.userId, now, now) : undefined;
    await send(context, reply, 0, cursorId);
  });
  return true;
}

/** PIM errors become plain words here (the Azure cases are this dialog's own). */
async function answering(context: TurnContext, deps: DialogDeps, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const code = isPimError(error) ? error.details.upstreamCode : undefined;
    if (code === 'AzureNotWired') await context.sendActivity(AZURE_NOT_WIRED);
    else if (code === 'AzureNeedsRole') await context.sendActivity(AZURE_NEEDS_ROLE);
    else if (code === 'RescanNeedsRole')
      await context.sendActivity(
        'Rescanning alerts needs an active Privileged Role Administrator or Global Administrator role; I can still show the alerts from the last scan.',
      );
    else await sendFailure(context, deps, error);
  }
}

/** One question answered: `now` is the clock of the question (the same on every page of it). */
async function answer(deps: DialogDeps, admin: AdminService, asker: Asker, parse: Parse, now: Date): Promise<Reply> {
  const { access } = asker;
  const user = asker.user;
  const refused = access.kind === 'none' ? text(REFUSAL) : undefined;

  switch (parse.intent) {
    case 'activity': {
      const period = parse.slots.period ? parsePeriod(parse.slots.period, now) : undefined;
      const range: Period = period ?? { from: new Date(now.getTime() - 7 * 86_400_000), to: now, label: 'the last 7 days' };
      const subjectText = parse.slots.user ?? parse.slots.subject ?? parse.slots.role;
      const dir = await admin.directory(asker, NAMES_ONLY);
      let principal: { id: string; name: string } | undefined;
      let role: RoleRef | undefined;
      if (subjectText !== undefined) {
        const who = resolveUser(subjectText, user.userId, dir);
        if (who.ok) principal = who.value;
        else if (parse.slots.user === undefined) {
          const r = resolveRole(subjectText, undefined, dir);
          if (r.ok) role = r.value;
        }
        if (!principal && !role) {
          if (refused) return refused;
          return text(
            unknownName(
              parse.slots.user !== undefined ? 'person' : parse.slots.role !== undefined ? 'role' : 'person or role',
              subjectText,
            ),
          );
        }
      }
      const self = principal?.id === user.userId;
      if (!self && refused) return refused;
      if (role && role.surface !== 'entraRole') return text('Activity is listed per Microsoft Entra role or per person.');
      const result = await admin.activity(asker, {
        from: range.from,
        to: range.to,
        ...(subjectText !== undefined ? { only: 'activations' as const } : {}),
        ...(principal ? { principalId: principal.id } : {}),
        ...(role && role.surface === 'entraRole' ? { roleId: role.roleId } : {}),
      });
      const verified = await verificationsOf(deps.approvals, user.tenantId, result.items, range.from, range.to);
      const who = self ? 'You' : principal?.name;
      const title = principal
        ? `What ${who} activated ${range.label}`
        : role && role.surface === 'entraRole'
          ? `Activations of ${role.roleName} ${range.label}`
          : `PIM activity ${range.label}`;
      return table(
        {
          title,
          readAt: result.readAt,
          headers: ['When', 'What happened'],
          widths: [1, 3],
          emptyText: 'Nothing in that period.',
          notes: result.notes,
        },
        result.items.map((e) => verifiedRow(e, user.userId, verified)),
      );
    }
    case 'settings': {
      const dir = await admin.directory(asker, partsFor(parse));
      const resolved = resolveRole(parse.slots.role ?? '', parse.slots.scope, dir);
      if (!resolved.ok) return text(unresolvedRole(resolved, dir, access.kind));
      // A role the asker may activate is their own business; any other role's settings are for admins.
      if (refused && !(await isOwnEligibility(deps, user, resolved.value))) return refused;
      const s = await admin.roleSettings(asker, resolved.value);
      // Risky values say so in words and an icon (never by colour alone), and are summed up first.
      // No MFA or approval is risky on a privileged role only: Entra says which roles are (isPrivileged);
      // groups and Azure roles carry no such flag, so they are treated as privileged rather than waved through.
      const guarded = s.privileged !== false;
      const noMfa = guarded && !s.requiresMfa && !s.authenticationContext;
      const noApproval = guarded && !s.requiresApproval;
      const risky = [
        ...(noMfa ? ['no MFA on activation of a privileged role'] : []),
        ...(noApproval ? ['no approval on a privileged role'] : []),
        ...(s.maxEligibilityDays === null ? ['permanent eligibility allowed'] : []),
        ...(s.maxAssignmentDays === null ? ['permanent active assignments allowed'] : []),
      ];
      const flag = (bad: boolean, value: string) => (bad ? `⚠️ ${value} (risky)` : value);
      const rows: string[][] = [
        ['Maximum activation', formatDuration(s.maxActivationMinutes)],
        ...(s.privileged === undefined ? [] : [['Privileged role', s.privileged ? 'Yes (marked privileged by Microsoft Entra)' : 'No']]),
        ['Approval', s.requiresApproval ? `Required: ${s.approvers.join(', ') || 'no approvers named'}` : flag(noApproval, 'Not required')],
        ['MFA on activation', s.requiresMfa ? 'Required' : flag(noMfa, 'Not required')],
        ['Authentication context', s.authenticationContext ?? 'None'],
        ['Justification', s.requiresJustification ? 'Required' : 'Not required'],
        ['Ticket', s.requiresTicket ? 'Required' : 'Not required'],
        [
          'Eligible assignments',
          s.maxEligibilityDays === null ? flag(true, 'May be permanent') : `Expire after ${s.maxEligibilityDays} days`,
        ],
        ['Active assignments', s.maxAssignmentDays === null ? flag(true, 'May be permanent') : `Expire after ${s.maxAssignmentDays} days`],
        ...s.notifications
          .filter((n) => n.event === 'activation')
          .map((n) => [
            `Notify ${n.recipient} on activation`,
            `${n.level}${n.defaultRecipients ? ', default recipients' : ''}${n.additionalRecipients.length ? `, also ${n.additionalRecipients.join(', ')}` : ''}`,
          ]),
      ];
      return table(
        {
          title: `Settings of ${roleLabel(resolved.value)}`,
          readAt: deps.now(),
          headers: ['Setting', 'Value'],
          widths: [2, 3],
          emptyText: '',
          notes: risky.length > 0 ? [`⚠️ Worth a look: ${risky.join(', ')}.`] : ['✅ No risky values.'],
        },
        rows,
      );
    }
    case 'decisions': {
      // An approver who is not an administrator may still ask what they decided: from their own decisions.
      if (!refused) break;
      const who = resolveUser(parse.slots.user ?? '', user.userId, {
        roles: [],
        users: [],
        groups: [],
        azureScopes: [],
        azureRoles: [],
        alerts: [],
      });
      if (!who.ok || who.value.id !== user.userId || !deps.approvals?.decidedBy) return refused;
      const period = parse.slots.period ? parsePeriod(parse.slots.period, now) : undefined;
      const range: Period = period ?? { from: new Date(now.getTime() - 7 * 86_400_000), to: now, label: 'the last 7 days' };
      const mine = await deps.approvals.decidedBy(user, range.from, range.to);
      return table(
        {
          title: `What you approved or denied ${range.label}`,
          readAt: now,
          headers: ['When', 'What happened'],
          widths: [1, 3],
          emptyText: 'You decided nothing through this bot in that period.',
          notes: [OWN_DECISIONS_NOTE],
        },
        mine.map((d) => {
          const [when, what] = activityRow(ownDecisionEntry(d, user), user.userId);
          const how = verificationPhrase(d.verifiedBy);
          return [when!, how ? `${what!} — verified${how}` : what!];
        }),
      );
    }
    default:
      break;
  }

  if (refused) return refused;
  const dir = await admin.directory(asker, partsFor(parse));
  switch (parse.intent) {
    case 'holders':
    case 'eligible': {
      const resolved = resolveRole(parse.slots.role ?? '', parse.slots.scope, dir);
      if (!resolved.ok) return text(unresolvedRole(resolved, dir, access.kind));
      if (parse.intent === 'holders') {
        const r = await admin.activeHolders(asker, resolved.value);
        return table(
          {
            title: `Who holds ${roleLabel(resolved.value)} now`,
            readAt: r.readAt,
            headers: ['Who', 'How', 'Since', 'Until'],
            widths: [5, 2, 2, 2],
            emptyText: `Nobody holds ${roleLabel(resolved.value)} right now.`,
            notes: r.notes,
          },
          r.items.map((h) => [
            principalText(h.principal),
            `${h.outsidePim ? 'Permanent, assigned outside PIM' : h.assignmentType === 'activated' ? 'PIM activation' : 'Assigned in PIM'}${h.viaGroup ? ' (through a group)' : ''}${h.inheritedFrom ? `, inherited from ${h.inheritedFrom}` : ''}`,
            h.since ? cardDateTime(h.since) : '—',
            h.until ? cardDateTime(h.until) : 'Permanent',
          ]),
        );
      }
      const r = await admin.eligibleHolders(asker, resolved.value);
      return table(
        {
          title: `Who is eligible for ${roleLabel(resolved.value)}`,
          readAt: r.readAt,
          headers: ['Who', 'Since', 'Until'],
          widths: [3, 2, 2],
          emptyText: `Nobody is eligible for ${roleLabel(resolved.value)}.`,
          notes: r.notes,
        },
        r.items.map((e) => [
          principalText(e.principal) +
            (e.viaGroup ? ' (through a group)' : '') +
            (e.inheritedFrom ? `, inherited from ${e.inheritedFrom}` : ''),
          e.since ? cardDateTime(e.since) : '—',
          e.until ? cardDateTime(e.until) : 'Permanent',
        ]),
      );
    }
    case 'pending': {
      const olderThan = parse.slots.duration ? parseDuration(parse.slots.duration) : undefined;
      const r = await admin.pendingApprovals(asker);
      const waiting = (created: Date) => (r.readAt.getTime() - created.getTime()) / 60_000;
      const items = olderThan === undefined ? r.items : r.items.filter((p) => waiting(p.createdDateTime) > olderThan);
      return table(
        {
          title: olderThan === undefined ? 'Requests waiting for approval' : `Requests waiting more than ${formatDuration(olderThan)}`,
          readAt: r.readAt,
          headers: ['Who', 'Role', 'Waiting', 'For', 'Justification'],
          widths: [3, 3, 2, 2, 4],
          emptyText: 'Nothing is waiting for approval.',
          notes: r.notes,
        },
        items.map((p) => [
          principalText(p.principal),
          p.scopeName === 'Directory' ? p.roleName : `${p.roleName} · ${p.scopeName}`,
          formatDuration(waiting(p.createdDateTime)),
          p.durationMinutes === null ? '—' : formatDuration(p.durationMinutes),
          [p.justification, p.ticketNumber ? `ticket ${p.ticketNumber}` : ''].filter(Boolean).join(' · '),
        ]),
      );
    }
    case 'activeNow': {
      const r = await admin.activeAccess(asker);
      return table(
        {
          title: 'Who has privileged access now',
          readAt: r.readAt,
          headers: ['Who holds what', 'How, until'],
          widths: [3, 2],
          emptyText: 'Nobody holds an active assignment right now.',
          notes: r.notes,
        },
        r.items.map((a) => [accessSentence(a), howHeld(a)]),
      );
    }
    case 'decisions': {
      const who = resolveUser(parse.slots.user ?? '', user.userId, dir);
      if (!who.ok) return text(unknownName('person', parse.slots.user ?? ''));
      const period = parse.slots.period ? parsePeriod(parse.slots.period, now) : undefined;
      const range: Period = period ?? { from: new Date(now.getTime() - 7 * 86_400_000), to: now, label: 'the last 7 days' };
      const r = await admin.activity(asker, { principalId: who.value.id, from: range.from, to: range.to, only: 'decisions' });
      const verified = await verificationsOf(deps.approvals, user.tenantId, r.items, range.from, range.to);
      const name = who.value.id === user.userId ? 'you' : who.value.name;
      return table(
        {
          title: `What ${name} approved or denied ${range.label}`,
          readAt: r.readAt,
          headers: ['When', 'What happened'],
          widths: [1, 3],
          emptyText: `${name === 'you' ? 'You' : name} decided nothing in that period.`,
          notes: r.notes,
        },
        r.items.map((e) => verifiedRow(e, user.userId, verified)),
      );
    }
    case 'whoDecided': {
      const who = resolveUser(parse.slots.user ?? '', user.userId, dir);
      if (!who.ok) return text(unknownName('person', parse.slots.user ?? ''));
      // PIM drops an undecided request after a day; a month back covers "the last request" of anyone active.
      const from = new Date(now.getTime() - 30 * 86_400_000);
      const r = await admin.activity(asker, { principalId: who.value.id, from, to: now });
      const verified = await verificationsOf(deps.approvals, user.tenantId, r.items, from, now);
      return text(decisionAnswer(r.items, who.value, user.userId, (e) => verificationPhrase(verificationOf(verified, e))));
    }
    case 'alerts':
      return alertsTable(admin, asker, 'PIM alerts');
    case 'rescan': {
      let alert: { id: string; name: string } | undefined;
      if (parse.slots.alert !== undefined) {
        const found = resolveAlert(parse.slots.alert, dir);
        if (!found.ok) return text(unknownName('alert', found.text));
        alert = found.value;
      }
      const at = await admin.refreshAlerts(asker, alert?.id);
      return alertsTable(admin, asker, alert ? `Rescanned: ${alert.name}` : 'PIM alerts after the rescan', [
        `Rescan requested ${cardDateTime(at)}; PIM updates alerts when its scan completes.`,
      ]);
    }
    case 'incidents': {
      const found = resolveAlert(parse.slots.alert ?? '', dir);
      if (!found.ok) return text(unknownName('alert', found.text));
      const r = await admin.alertIncidents(asker, found.value.id);
      return table(
        {
          title: `Incidents: ${found.value.name}`,
          readAt: r.readAt,
          headers: ['Who or what', 'Details'],
          widths: [2, 3],
          emptyText: 'This alert has no incidents.',
          notes: r.notes,
        },
        r.items.map((i) => [i.subject, i.detail]),
      );
    }
    default:
      return text(EXPIRED);
  }
}

async function alertsTable(admin: AdminService, asker: Asker, title: string, extraNotes: readonly string[] = []): Promise<Reply> {
  const r = await admin.alerts(asker);
  // Firing alerts first (the service sorts them so), each saying so in words; the hint names the first.
  const firing = r.items.filter((a) => a.isActive);
  const hint = firing[0]
    ? `${firing.length} firing. Say "show incidents for ${firing[0].displayName}" for the details, or "rescan alerts".`
    : 'None is firing. Say "rescan alerts" to check again.';
  return table(
    {
      title,
      readAt: r.readAt,
      headers: ['Status', 'Alert', 'Incidents', 'Last scan'],
      widths: [2, 4, 2, 2],
      emptyText: 'PIM reports no alerts.',
      notes: [...extraNotes, ...r.notes, hint],
    },
    r.items.map((a) => [
      a.isActive ? `🔴 Firing · ${capitalize(a.severity)}` : `✅ Quiet · ${capitalize(a.severity)}`,
      a.displayName,
      a.isActive ? String(a.incidentCount) : 'none',
      a.lastScanned ? cardDateTime(a.lastScanned) : '—',
    ]),
  );
}

async function send(context: TurnContext, reply: Reply, offset: number, cursorId: string | undefined): Promise<void> {
  if (reply.kind === 'text') {
    await context.sendActivity(plainMessage(reply.text, turnTimes(context)));
    return;
  }
  await context.sendActivity(MessageFactory.attachment(page(reply.view, reply.rows, offset, cursorId)));
}

function page(view: TableView, rows: readonly (readonly string[])[], offset: number, cursorId: string | undefined) {
  const shown = rows.slice(offset, offset + ADMIN_PAGE_SIZE);
  const remaining = rows.length - offset - shown.length;
  const full: AdminTableView = {
    ...view,
    rows: shown,
    remaining,
    firstRow: offset + 1,
    total: rows.length,
    ...(cursorId && remaining > 0 ? { cursor: `${cursorId}.${offset + ADMIN_PAGE_SIZE}` } : {}),
  };
  return adminTableCard(full);
}

/** The next page: the stored question is asked again (access checked again) and the page at the position shown. */
async function showMore(
  context: TurnContext,
  deps: DialogDeps,
  admin: AdminService,
  cursors: AnswerCursors,
  user: UserContext,
  token: unknown,
): Promise<void> {
  const m = typeof token === 'string' ? /^([0-9a-f-]{36})\.(\d{1,5})$/.exec(token) : null;
  const cursor = m ? await cursors.load(m[1]!, user.userId, deps.now()) : undefined;
  if (!m || !cursor) {
    await context.sendActivity(EXPIRED);
    return;
  }
  const offset = Number(m[2]);
  const reply = await answer(deps, admin, { user, access: await admin.access(user) }, cursor.parse, new Date(cursor.askedAt));
  if (reply.kind === 'table' && offset >= reply.rows.length) {
    await context.sendActivity(EXPIRED);
    return;
  }
  await send(context, reply, offset, m[1]);
}

const NAMES_ONLY: DirectoryParts = { azure: false, alerts: false };

/**
 * The names a question is resolved against beyond roles, users and groups: Azure names only when it
 * names a scope (resolveRole looks at Azure roles only then), alert names only when it names an alert.
 * Each is a read of its own; "who has User Administrator" needs neither.
 */
function partsFor(parse: Parse): DirectoryParts {
  return { azure: parse.slots.scope !== undefined, alerts: parse.slots.alert !== undefined || parse.intent === 'incidents' };
}

/** Why a role (at a scope) was not found, in words. */
function unresolvedRole(
  resolved: { ok: false; text: string; azure?: true; unknownScope?: boolean },
  dir: AdminDirectory,
  access: Asker['access']['kind'],
): string {
  if (!resolved.azure) return unknownName('role', resolved.text);
  // No Azure names at all: ARM is not configured, or not this asker's to read.
  if (dir.azureScopes.length === 0) return access === 'role' ? AZURE_NOT_WIRED : AZURE_NEEDS_ROLE;
  return resolved.unknownScope ? unknownName('Azure scope', resolved.text) : unknownName('Azure role', resolved.text);
}

async function isOwnEligibility(deps: DialogDeps, user: UserContext, role: RoleRef): Promise<boolean> {
  const mine = await deps.pim.listEligibilities(user);
  return mine.some(
    ({ eligibility: e }) =>
      (role.surface === 'entraRole' && e.surface === 'entraRole' && e.roleId.toLowerCase() === role.roleId) ||
      (role.surface === 'group' && e.surface === 'group' && e.scope.id.toLowerCase() === role.groupId && e.roleId === role.accessId),
  );
}

function activityRow(e: ActivityEntry, askerId: string): string[] {
  return [cardDateTime(e.at), activitySentence(e, askerId)];
}

function principalText(p: { displayName: string; userPrincipalName?: string; kind: string }): string {
  if (p.kind === 'group') return `${p.displayName} (group)`;
  return p.userPrincipalName ? `${p.displayName} (${p.userPrincipalName})` : p.displayName;
}

function roleLabel(role: RoleRef): string {
  switch (role.surface) {
    case 'entraRole':
      return role.roleName;
    case 'group':
      return `${role.groupName} (${role.accessId})`;
    case 'azureResource':
      return `${role.roleName} on ${role.scopeName}`;
  }
}

function unknownName(what: string, text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `I don't know ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} called "${shown}". Check the spelling and ask again.`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** An activity row, with how the decider proved themselves when the bot recorded it. */
function verifiedRow(e: ActivityEntry, askerId: string, verified: Verifications): string[] {
  const [when, what] = activityRow(e, askerId);
  const how = verificationPhrase(verificationOf(verified, e));
  return [when!, how ? `${what!} — verified${how}` : what!];
}
