// Upstream calls per flow, counted from the emulator's request log: what one user intent costs in
// calls to Entra ID, Graph and ARM, cold (a user the bot has never seen) and warm.
import { DEMO_USERS } from '../emulator/tenant/demoTenant';
import type { RequestLogEntry, TenantEmulator } from '../emulator/tenant/index';
import type { BotProcess } from '../emulator/stack/botProcess';
import type { RecordingConnector } from '../emulator/stack/recordingConnector';
import { addBenchUsers, clearActivations } from '../emulator/stack/chatUsers';
import { openConversation, textOf, type ChatUser } from '../emulator/stack/chatDriver';
import { runActivation } from '../emulator/stack/flows';

export type UpstreamCalls = Record<string, { calls: number; ratio: number; detail: string }>;

interface StackLike {
  readonly tenant: TenantEmulator;
  readonly connector: RecordingConnector;
}

function describe(entries: readonly RequestLogEntry[]): string {
  const kind = (e: RequestLogEntry): string =>
    /\/oauth2\/|\/emulator\/sso|openid-configuration|discovery/.test(e.path)
      ? 'identity'
      : /^\/(subscriptions|providers)\//.test(e.path)
        ? 'arm'
        : 'graph';
  const counts = new Map<string, number>();
  for (const e of entries) {
    const key = `${kind(e)} ${e.method}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

/**
 * The calls made for `subject` during `flow`: with their token, with the bot's own, or to the token
 * endpoint (which names no caller). Other users' calls in the same window (the reminder refresh the
 * bot makes a minute after it first sees someone) are theirs, not this flow's.
 */
async function count(tenant: TenantEmulator, subject: ChatUser, flow: () => Promise<unknown>): Promise<RequestLogEntry[]> {
  tenant.requestLog.clear(); // it keeps the last 10,000 calls only: count from empty
  await flow();
  // Calls the bot started in the background of the turn (a fan-out, a wait for activation) land a little later.
  await new Promise((r) => setTimeout(r, 300));
  return tenant.requestLog
    .entries()
    .filter((e) => e.caller === null || e.caller === subject.aadObjectId || e.caller === tenant.botApp.clientId);
}

export async function upstreamCallsPerFlow(stack: StackLike, bot: BotProcess): Promise<UpstreamCalls> {
  const { tenant, connector } = stack;
  const [user] = await addBenchUsers(tenant, 1, 'upstream');
  const talk = (u: ChatUser) => openConversation({ endpoint: bot.endpoint, connector, tenantId: tenant.tenantId, user: u });
  const flows: Array<[string, RequestLogEntry[], string?]> = [];

  flows.push(['activation (cold)', await count(tenant, user!, () => runActivation(talk(user!)))]);
  await clearActivations(tenant, [user!]);
  flows.push(['activation (warm)', await count(tenant, user!, () => runActivation(talk(user!)))]);
  // Right after a named activation "my roles" reads the policies that activation did not need (the card
  // shows every role's limits) and the open requests; asked again, only what is active.
  flows.push(['my roles (after an activation)', await count(tenant, user!, () => talk(user!).say('my roles'))]);
  flows.push(['my roles (warm)', await count(tenant, user!, () => talk(user!).say('my roles'))]);

  // Needs approval: the request, and whatever the bot does to reach the approvers.
  await clearActivations(tenant, [user!]);
  let approvalText = '';
  const approval = await count(tenant, user!, async () => {
    const c = talk(user!);
    await c.say('activate user administrator');
    await c.say({ value: { action: 'setDuration', duration: '90 minutes' } });
    const r = await c.say({ value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' } });
    approvalText = textOf(r.replies);
  });
  flows.push([
    'approval request',
    approval,
    /waiting for approval/i.test(approvalText) ? undefined : `(ended: ${approvalText.slice(0, 60)})`,
  ]);

  const carol: ChatUser = { id: '29:carol', name: DEMO_USERS.carol.displayName, aadObjectId: DEMO_USERS.carol.id };
  let adminText = '';
  const admin = await count(tenant, carol, async () => {
    adminText = textOf((await talk(carol).say('who is eligible for global reader')).replies);
  });
  flows.push(['admin question (cold)', admin, /Alice|upstream user/i.test(adminText) ? undefined : `(answer: ${adminText.slice(0, 60)})`]);

  const warm = flows.find(([name]) => name === 'activation (warm)')![1].length;
  const out: UpstreamCalls = {};
  for (const [name, entries, note] of flows) {
    out[name] = {
      calls: entries.length,
      ratio: Math.round((entries.length / Math.max(1, warm)) * 10) / 10,
      detail: `${describe(entries)}${note ? ` ${note}` : ''}`,
    };
  }
  return out;
}
