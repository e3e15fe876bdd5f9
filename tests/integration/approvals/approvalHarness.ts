// What the approval integration tests share: the tenant emulator, Azurite, one recording connector per
// persona (the bot in local mode replies to the activity's serviceUrl, so each persona's chat is its
// own channel), and helpers to talk, click Action.Execute and read the cards back. The bot itself is
// started by each test file (in process, or in a child process it can SIGKILL).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_USERS, LOCAL_TEAMS_APP } from '../../../emulator/tenant/demoTenant';
import { startAzurite } from '../../../emulator/storage/azurite';
import { startRecordingConnector, type RecordedActivity, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant, type TestTenantOptions } from '../../../emulator/stack/tenant';

export type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Azurite = Awaited<ReturnType<typeof startAzurite>>;
export type Name = 'alice' | 'bob' | 'carol' | 'dave' | 'erin';
export const NAMES: readonly Name[] = ['alice', 'bob', 'carol', 'dave', 'erin'];

export interface Persona {
  readonly from: { id: string; name: string; aadObjectId: string };
  readonly conversationId: string;
  readonly connector: RecordingConnector;
}

export function strings(node: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (typeof n === 'string') out.push(n);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') Object.values(n).forEach(walk);
  };
  walk(node);
  return out.join('\n');
}

export function cardOf(a: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  return a?.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content as
    Record<string, unknown> | undefined;
}

export function executeData(card: unknown, verb: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'Action.Execute' && o['verb'] === verb) found = o['data'] as Record<string, unknown>;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Requested {
  readonly requestId: string;
  readonly bobCard: RecordedActivity;
  readonly daveCard: RecordedActivity;
  readonly waiting: RecordedActivity;
}

export interface ApprovalWorld {
  readonly tenant: Tenant;
  readonly azurite: Azurite;
  readonly people: Record<Name, Persona>;
  /** A fresh blob container name per call. */
  container(): string;
  /** Where activities go (set by the test file once its bot listens). */
  endpoint: string;
  /** `conversationId` defaults to the persona's 1:1 chat; another id is another chat of the same person. */
  post(name: Name, partial: Partial<Activity>, conversationId?: string): Promise<{ status: number; body: unknown }>;
  /** The replies of this turn in this conversation. */
  say(name: Name, partial: Partial<Activity> | string, conversationId?: string): Promise<RecordedActivity[]>;
  click(name: Name, verb: string, data: Record<string, unknown>): Promise<{ type: string; value: unknown }>;
  /** Alice sends `turns` (the last one submits); resolves once both approvers have their card. */
  request(turns: ReadonlyArray<Partial<Activity> | string>, conversationId?: string): Promise<Requested>;
  /** Every approval card `name` was posted for the request (exactly one is right). */
  cardsFor(name: Name, requestId: string): RecordedActivity[];
  /** The last thing a card copy shows: its latest in-place update, else the original post. */
  latest(name: Name, activityId: string): string;
  close(): Promise<void>;
}

/** `tenantOptions`: the tenant's own (e.g. SSO sessions that are not fresh MFA). */
export async function startApprovalWorld(tenantOptions: TestTenantOptions = {}): Promise<ApprovalWorld> {
  const azuriteDir = mkdtempSync(path.join(tmpdir(), 'pimbot-approvals-'));
  const [tenant, azurite, ...connectors] = (await Promise.all([
    startTestTenant(tenantOptions),
    startAzurite({ location: azuriteDir }),
    ...NAMES.map(() => startRecordingConnector()),
  ])) as [Tenant, Azurite, ...RecordingConnector[]];
  const people = {} as Record<Name, Persona>;
  NAMES.forEach((name, i) => {
    const u = DEMO_USERS[name];
    people[name] = {
      from: { id: `29:${name}`, name: u.displayName, aadObjectId: u.id },
      conversationId: `a:${name}-${randomUUID()}`,
      connector: connectors[i]!,
    };
  });

  const world: ApprovalWorld = {
    tenant,
    azurite,
    people,
    endpoint: '',
    container: () => `ap-${randomUUID().slice(0, 8)}`,
    async post(name, partial, conversationId) {
      const p = people[name];
      const body = {
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl: p.connector.url,
        conversation: { id: conversationId ?? p.conversationId, conversationType: 'personal', tenantId: tenant.tenantId },
        from: p.from,
        recipient: { id: '28:pim-bot', name: 'PIM Bot' },
        locale: 'en-US',
        ...partial,
      };
      const res = await fetch(world.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async say(name, partial, conversationId) {
      const mark = people[name].connector.activities.length;
      const r = await world.post(name, typeof partial === 'string' ? { text: partial } : partial, conversationId);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const conversation = conversationId ?? people[name].conversationId;
      return people[name].connector.since(mark).filter((a) => a.conversationId === conversation);
    },
    async click(name, verb, data) {
      const r = await world.post(name, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data } },
      } as Partial<Activity>);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { type: string; value: unknown };
    },
    async request(turns, conversationId) {
      const marks = { bob: people.bob.connector.activities.length, dave: people.dave.connector.activities.length };
      let replies: RecordedActivity[] = [];
      // Every turn's replies: a request PIM already holds is answered before any question is asked.
      for (const turn of turns) replies = [...replies, ...(await world.say('alice', turn, conversationId))];
      const waiting = replies.find((r) => /waiting for approval/.test(strings(cardOf(r.activity))));
      assert.ok(waiting, `the waiting card, got: ${replies.map((r) => strings(cardOf(r.activity)) || r.activity.text).join(' | ')}`);
      assert.match(strings(cardOf(waiting.activity)), /Waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/);
      const requestId = executeData(cardOf(waiting.activity), 'cancelRequest')!['requestId'] as string;
      const cardIn = (name: 'bob' | 'dave', mark: number) =>
        until(`${name}'s approval card`, () =>
          people[name].connector
            .since(mark)
            .find((a) => a.method === 'POST' && executeData(cardOf(a.activity), 'approve')?.['requestId'] === requestId),
        );
      const [bobCard, daveCard] = await Promise.all([cardIn('bob', marks.bob), cardIn('dave', marks.dave)]);
      return { requestId, bobCard, daveCard, waiting };
    },
    cardsFor(name, requestId) {
      return people[name].connector.activities.filter(
        (a) => a.method === 'POST' && executeData(cardOf(a.activity), 'approve')?.['requestId'] === requestId,
      );
    },
    latest(name, activityId) {
      const updates = people[name].connector.activities.filter((a) => a.method === 'PUT' && a.targetActivityId === activityId);
      const last = updates[updates.length - 1] ?? people[name].connector.activities.find((a) => a.id === activityId);
      return strings(cardOf(last?.activity));
    },
    async close() {
      await Promise.all([tenant.close(), azurite.stop(), ...NAMES.map((n) => people[n].connector.close())]);
      rmSync(azuriteDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The bot's settings for the world (local mode: the emulator, Azurite, the bot's local app). */
export function botEnv(world: ApprovalWorld, container: string): Record<string, string> {
  return {
    PORT: '0',
    LOCAL_TENANT_URL: world.tenant.url,
    LOCAL_TENANT_ID: world.tenant.tenantId,
    LOCAL_TEAMS_APP_CATALOG_ID: LOCAL_TEAMS_APP.catalogId,
    LOCAL_CLIENT_ID: world.tenant.botApp.clientId,
    LOCAL_CLIENT_SECRET: world.tenant.botApp.clientSecret,
    STORAGE_CONNECTION_STRING: world.azurite.connectionString,
    STORAGE_CONTAINER: container,
  };
}

/**
 * The bot in this process on a fresh container of the world's Azurite, its approval sweep every 250 ms,
 * warnings and errors kept in `logLines`. Each persona then says hi once: that is where the bot learns
 * their 1:1 conversation.
 */
export async function startBotInProcess(world: ApprovalWorld, logLines: string[], env: Record<string, string> = {}): Promise<BotApp> {
  const keep = (m: string, f?: object): void => {
    logLines.push(`${m} ${JSON.stringify(f)}`);
  };
  const app = createBotApp(loadConfig({ ...botEnv(world, world.container()), ...env }), {
    logger: { info: () => {}, warn: keep, error: keep },
    approvals: { sweepMs: 250 },
  });
  world.endpoint = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
  for (const name of NAMES) await world.say(name, 'hi');
  return app;
}

/** Alice asks for User Administrator through the cards (duration, then justification and ticket). */
export const USER_ADMIN_TURNS: ReadonlyArray<Partial<Activity> | string> = [
  'activate user administrator',
  { value: { action: 'setDuration', duration: '2h' } },
  { value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' } },
];
