// The whole bot over HTTP with nothing stubbed (emulator, Azurite, CloudAdapter on restify, the
// recording connector as the channel), for the requester flows (list, activate, deactivate, extend, cancel).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Logger } from '../../../dialogs/deps';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startLocalStack, type InProcessBot } from '../../../emulator/stack/localStack';
import type { RecordedActivity, RecordingConnector } from '../../../emulator/stack/recordingConnector';
import type { TenantEmulator } from '../../../emulator/tenant';

export type Tenant = TenantEmulator;
export const ALICE = { id: '29:alice', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };

export interface RequesterHarness {
  readonly tenant: Tenant;
  readonly connector: RecordingConnector;
  readonly botUrl: string;
  /** The current 1:1 conversation Alice talks in. */
  readonly conversationId: string;
  newConversation(): void;
  /** A message activity from Alice in the current conversation, as the channel posts it. */
  activity(partial: Partial<Activity>): Record<string, unknown>;
  /** Posts one activity like the channel does; answers what it sent and what the bot sent back during the turn (in-place card updates aside). */
  send(partial: Partial<Activity> | string): Promise<{ body: Record<string, unknown>; replies: RecordedActivity[] }>;
  say(partial: Partial<Activity> | string): Promise<Array<Partial<Activity>>>;
  /** A new app (adapter, bot, state objects; a new port) on the same config and Azurite container, as after a crash. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly logger?: Logger;
  /** Extra settings on top of the local ones (e.g. APPROVAL_SWEEP_SECONDS). */
  readonly env?: Readonly<Record<string, string>>;
}

const SILENT: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * One harness for a mocha suite: started before it, closed after, with a clean tenant and a new
 * conversation before each test. The object forwards to the harness once `before` has run.
 */
export function requesterSuite(options: HarnessOptions = {}): RequesterHarness {
  let harness: RequesterHarness | undefined;
  const h = (): RequesterHarness => {
    if (!harness) throw new Error("the requester harness starts in the suite's before hook");
    return harness;
  };
  before(async () => {
    harness = await startRequesterHarness(options);
  });
  after(async () => harness?.close());
  beforeEach(async () => {
    await h().tenant.reset();
    h().newConversation();
  });
  return {
    get tenant() {
      return h().tenant;
    },
    get connector() {
      return h().connector;
    },
    get botUrl() {
      return h().botUrl;
    },
    get conversationId() {
      return h().conversationId;
    },
    newConversation: () => h().newConversation(),
    activity: (partial) => h().activity(partial),
    send: (partial) => h().send(partial),
    say: (partial) => h().say(partial),
    restartBot: () => h().restartBot(),
    close: () => h().close(),
  };
}

export async function startRequesterHarness(options: HarnessOptions = {}): Promise<RequesterHarness> {
  const stack = await startLocalStack({ name: 'it' });
  const { tenant, connector } = stack;
  const startBot = (): Promise<InProcessBot> =>
    stack.startBot({ ...(options.env ? { env: options.env } : {}), overrides: { logger: options.logger ?? SILENT } });
  let bot = await startBot();
  let botUrl = `http://127.0.0.1:${bot.port}`;
  let conversationId = `a:${randomUUID()}`;
  const activity = (partial: Partial<Activity>): Record<string, unknown> => ({
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.url,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant.tenantId },
    from: ALICE,
    recipient: { id: '28:pim-bot', name: 'PIM Bot' },
    locale: 'en-US',
    ...partial,
  });
  const send = async (partial: Partial<Activity> | string): Promise<{ body: Record<string, unknown>; replies: RecordedActivity[] }> => {
    const mark = connector.activities.length;
    const body = activity(typeof partial === 'string' ? { text: partial } : partial);
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200, `bot answered ${response.status}: ${await response.text()}`);
    const recorded = connector.since(mark);
    // Answered wizard cards are updated in place (PUT); each update targets a card the bot posted before.
    for (const u of recorded.filter((r) => r.method === 'PUT')) {
      assert.ok(
        connector.activities.some((a) => a.method === 'POST' && a.id === u.targetActivityId && a.conversationId === u.conversationId),
        'an update of a card the bot sent',
      );
    }
    return { body, replies: recorded.filter((r) => r.method === 'POST') };
  };
  return {
    tenant,
    connector,
    get botUrl() {
      return botUrl;
    },
    get conversationId() {
      return conversationId;
    },
    newConversation() {
      conversationId = `a:${randomUUID()}`;
    },
    activity,
    send,
    async say(partial) {
      return (await send(partial)).replies.map((r) => r.activity);
    },
    async restartBot() {
      await bot.app.close();
      bot = await startBot();
      botUrl = `http://127.0.0.1:${bot.port}`;
    },
    async close() {
      await bot.app.close();
      await stack.stop();
    },
  };
}

/** The url of the first Action.OpenUrl of a reply's card. */
export function openUrlOf(activity: Partial<Activity> | undefined): string | undefined {
  const card = activity?.attachments?.[0]?.content as { actions?: Array<{ type?: string; url?: string }> } | undefined;
  return card?.actions?.find((a) => a.type === 'Action.OpenUrl')?.url;
}

/** What a browser does with a sign-in page: read the form and post it, following redirects. */
export async function completeSignInPage(url: string): Promise<Response> {
  return fetch(await signInRedirect(url));
}

/** Opens the sign-in page, submits its form like a browser, and answers where the authority sends the browser back. */
export async function signInRedirect(url: string): Promise<string> {
  const response = await submitSignInPage(url);
  assert.equal(response.status, 302, `the sign-in page answered ${response.status}`);
  const location = response.headers.get('location');
  assert.ok(location, 'a redirect back to the app');
  return location;
}

async function submitSignInPage(url: string): Promise<Response> {
  const page = await fetch(url);
  assert.equal(page.status, 200, `sign-in page answered ${page.status}`);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the page has a form');
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    form.set(unescape(name!), unescape(value!));
  form.set('confirm', 'yes');
  return fetch(new URL(unescape(action), url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
}

function unescape(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}
