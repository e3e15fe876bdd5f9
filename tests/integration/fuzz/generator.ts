// Generates malformed and hostile requests to /api/messages from a seed: broken JSON, wrong types,
// missing fields, huge strings, odd unicode, OData meta-characters, forged ids and card payloads.
// Nothing here is a complete legitimate flow: the emulator's state must not change.
import { DEMO_ROLES, DEMO_TENANT_ID, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { eligibilityKey } from '../../../services/pim/model';

export interface FuzzCase {
  readonly kind: string;
  readonly contentType: string;
  readonly body: string;
  /** The JSON activity, when the body is one the bot may turn into a turn. */
  readonly activity?: Record<string, unknown>;
}

export interface FuzzContext {
  readonly serviceUrl: string;
  /** Request ids of other people's PIM requests, to forge into cards. */
  readonly othersRequestIds: readonly string[];
}

type Random = () => number;

const ODATA = [
  "' or 1 eq 1 or '",
  "')",
  'eq null',
  "$filter=principalId ne ''",
  '%27%20or%20true',
  "roleDefinitionId eq '",
  "'; DROP",
  'any(x:x eq 1)',
  '$expand=*',
  '$top=999999',
  "filterByCurrentUser(on='approver')",
  "\\'",
  "''''",
  '&$select=*',
  '/../../users',
  '?$skip=-1',
  "contains(displayName,'a')",
  'startswith(id,',
];
const UNICODE = [
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  '\uD800',
  '\uDFFF',
  'e\u0301\u0301\u0301',
  '𝔸𝕔𝕥𝕚𝕧𝕒𝕥𝕖',
  '👩🏽‍💻🔑',
  '\u0000',
  '\u0007\u001b[31m',
  'İstanbul ı',
  'ﷺ',
  '\u2028\u2029',
  'ＡＣＴＩＶＡＴＥ',
  '\uFFFD',
  'ß'.repeat(50),
];
const WORDS = [
  'activate',
  'my roles',
  'help',
  'cancel',
  'approve',
  'deny',
  'extend',
  'deactivate',
  'who holds',
  'hi',
  'yes',
  'no',
  'all',
  'owner',
  'prod',
];
const ROLES = [
  'global reader',
  'user administrator',
  'security administrator',
  'privileged role administrator',
  'contributor',
  'sre on-call',
];
const ACTIONS = [
  'activate',
  'myRoles',
  'pickRole',
  'setDuration',
  'submitJustification',
  'cancel',
  'pickRoles',
  'searchRoles',
  'moreRoles',
  'deactivate',
  'extendAccess',
  'cancelRequest',
  'approve',
  'deny',
  'adminQuestion',
  'unknownThing',
  '__proto__',
  'constructor',
];
const ACTIVITY_TYPES = [
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'typing',
  'event',
  'endOfConversation',
  'messageUpdate',
  'messageDelete',
  'handoff',
  'trace',
  'nonsense',
  '',
];
const INVOKE_NAMES = [
  'adaptiveCard/action',
  'signin/verifyState',
  'signin/tokenExchange',
  'composeExtension/query',
  'task/fetch',
  'task/submit',
  'actionableMessage/executeAction',
  'fileConsent/invoke',
  'config/fetch',
  'unknown/name',
  '',
];
const VERBS = ['approve', 'deny', 'cancelRequest', 'activate', 'refresh', '', 'APPROVE', 'approve ', 'x'.repeat(300)];

export function createFuzzer(random: Random, ctx: FuzzContext): () => FuzzCase {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number): boolean => random() < p;
  const int = (max: number): number => Math.floor(random() * max);

  const guid = (): string => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => int(16).toString(16));
  const strangers = (): string =>
    pick([
      DEMO_USERS.bob.id,
      DEMO_USERS.carol.id,
      DEMO_USERS.dave.id,
      DEMO_USERS.erin.id,
      guid(),
      DEMO_USERS.bob.id.toUpperCase(),
      `${DEMO_USERS.carol.id} `,
      `${DEMO_USERS.alice.id}' or '1' eq '1`,
      '',
      'not-a-guid',
    ]);
  const forgedKey = (): string =>
    pick([
      eligibilityKey('entraRole', '/', DEMO_ROLES.privilegedRoleAdministrator.id),
      eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id),
      eligibilityKey('entraRole', '/', DEMO_ROLES.userAdministrator.id),
      eligibilityKey('entraRole', `/' or 1 eq 1`, DEMO_ROLES.globalReader.id),
      eligibilityKey('group', guid(), 'owner'),
      eligibilityKey('azureResource', '/subscriptions/../../providers', guid()),
      `entraRole|/|${pick(ODATA)}`,
      '|||',
      'x'.repeat(2000),
      pick(UNICODE),
    ]);
  const hostileText = (): string => {
    const parts: string[] = [];
    for (let i = 0, n = 1 + int(5); i < n; i++) {
      parts.push(
        pick([
          pick(WORDS),
          pick(ROLES),
          pick(ODATA),
          pick(UNICODE),
          pick(ctx.othersRequestIds.length ? ctx.othersRequestIds : [guid()]),
          String(int(1e6)),
        ]),
      );
    }
    if (chance(0.05)) parts.push('A'.repeat(3000 + int(3000)));
    return parts.join(' ');
  };
  const oddValue = (depth = 0): unknown => {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return int(2) === 0;
      case 2:
        return pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.14]);
      case 3:
        return hostileText();
      case 4:
        return pick(UNICODE);
      case 5:
        return forgedKey();
      case 6:
        return [oddValue(depth + 1), oddValue(depth + 1)];
      case 7:
        return {
          [pick(['action', 'eligibilityKey', 'requestId', 'duration', 'justification', '__proto__', 'constructor', 'verb'])]: oddValue(
            depth + 1,
          ),
        };
      default:
        return { action: pick(ACTIONS), nested: oddValue(depth + 1) };
    }
  };
  const cardSubmit = (): Record<string, unknown> => {
    const value: Record<string, unknown> = { action: chance(0.9) ? pick(ACTIONS) : oddValue() };
    if (chance(0.6)) value['eligibilityKey'] = chance(0.8) ? forgedKey() : oddValue();
    if (chance(0.3)) value['selectedKeys'] = Array.from({ length: 1 + int(12) }, forgedKey).join(',');
    if (chance(0.3)) value['requestId'] = chance(0.6) && ctx.othersRequestIds.length ? pick(ctx.othersRequestIds) : oddValue();
    if (chance(0.3)) value['duration'] = pick(['-5m', '0', '99999h', 'forever', '1e9 minutes', '', pick(ODATA), pick(UNICODE)]);
    if (chance(0.3)) value['justification'] = chance(0.5) ? hostileText() : oddValue();
    if (chance(0.2)) value['ticketNumber'] = pick(ODATA);
    if (chance(0.1)) value['principalId'] = strangers();
    if (chance(0.05)) value['pad'] = 'x'.repeat(20_000);
    return value;
  };
  const from = (): unknown => {
    if (chance(0.08)) return pick([null, 'alice', 42, [], { id: 7 }, {}]);
    // Alice only ever sends broken things: a hostile message from her must still change nothing.
    const id = chance(0.25) ? DEMO_USERS.alice.id : strangers();
    return {
      id: `29:${pick(['x', id, pick(UNICODE)])}`,
      name: chance(0.95) ? pick(['Mallory', pick(UNICODE), 'x'.repeat(500), '']) : 7,
      aadObjectId: chance(0.9) ? id : oddValue(),
    };
  };
  const conversation = (): unknown => {
    if (chance(0.05)) return pick([null, 'a:1', 5, [], {}, { id: 9 }]);
    return {
      id: chance(0.9) ? `a:fuzz-${guid()}` : pick([pick(UNICODE), 'x'.repeat(5000), `a:${pick(ODATA)}`, '../../etc', '']),
      conversationType: chance(0.9) ? 'personal' : pick(['groupChat', 'channel', 'nonsense', 7]),
      tenantId: chance(0.9) ? DEMO_TENANT_ID : pick([guid(), '', 7, 'common']),
    };
  };

  const activity = (): Record<string, unknown> => {
    const type = chance(0.55) ? 'message' : chance(0.5) ? 'invoke' : pick(ACTIVITY_TYPES);
    const a: Record<string, unknown> = {
      type,
      id: chance(0.95) ? guid() : oddValue(),
      timestamp: chance(0.9) ? new Date().toISOString() : oddValue(),
      channelId: chance(0.92) ? 'msteams' : pick(['emulator', 'webchat', '', 7, pick(UNICODE)]),
      // A dead loopback channel costs the connector's retries (~12 s a turn): only a handful of those.
      serviceUrl: chance(0.95)
        ? ctx.serviceUrl
        : chance(0.99)
          ? pick(['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'http://169.254.169.254/'])
          : pick(['http://127.0.0.1:1/', 'http://[::1]:1/']),
      conversation: conversation(),
      from: from(),
      recipient: chance(0.95) ? { id: '28:pim-bot', name: 'PIM Bot' } : oddValue(),
      locale: chance(0.9) ? 'en-US' : pick(['xx', '', pick(UNICODE), 7]),
      channelData: chance(0.8) ? { tenant: { id: chance(0.9) ? DEMO_TENANT_ID : guid() } } : oddValue(),
    };
    if (type === 'message') {
      if (chance(0.6)) a['text'] = chance(0.9) ? hostileText() : oddValue();
      if (chance(0.5)) a['value'] = chance(0.85) ? cardSubmit() : oddValue();
      if (chance(0.05)) a['attachments'] = [{ contentType: 'application/vnd.microsoft.card.adaptive', content: oddValue() }];
    } else if (type === 'invoke') {
      a['name'] = chance(0.7) ? 'adaptiveCard/action' : pick(INVOKE_NAMES);
      a['value'] = chance(0.8)
        ? {
            action: {
              type: pick(['Action.Execute', 'Action.Submit', 'Action.Nope', 7]),
              verb: pick(VERBS),
              data: chance(0.9) ? cardSubmit() : oddValue(),
            },
            trigger: pick(['manual', 'automatic', 7]),
          }
        : oddValue();
    } else if (type === 'conversationUpdate' || type === 'installationUpdate') {
      a['membersAdded'] = chance(0.7) ? [{ id: chance(0.5) ? '28:pim-bot' : pick(UNICODE) }, oddValue()] : oddValue();
      a['action'] = pick(['add', 'remove', 'add-upgrade', 7, '']);
    } else if (type === 'messageReaction') {
      a['reactionsAdded'] = [{ type: pick(['like', pick(UNICODE)]) }];
      a['replyToId'] = guid();
    } else {
      a['value'] = oddValue();
      a['name'] = pick(INVOKE_NAMES);
    }
    // Missing fields: drop one now and then.
    if (chance(0.08)) delete a[pick(['type', 'conversation', 'from', 'channelId', 'serviceUrl', 'recipient', 'id'])];
    return a;
  };

  return () => {
    const roll = random();
    if (roll < 0.06) {
      return {
        kind: 'notJson',
        contentType: pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
        body: pick([
          '{not json',
          '',
          'null',
          '"just a string"',
          '12',
          'true',
          '[{"type":"message"}]',
          '{"type":',
          pick(UNICODE),
          '\u0000\u0001',
          '{}'.repeat(50),
        ]),
      };
    }
    if (roll < 0.09) {
      let deep: unknown = { type: 'message' };
      for (let i = 0, n = 50 + int(2000); i < n; i++) deep = { a: deep };
      return { kind: 'deepJson', contentType: 'application/json', body: JSON.stringify(deep) };
    }
    if (roll < 0.1) {
      const a = activity();
      a['text'] = 'x'.repeat(300 * 1024);
      return { kind: 'hugeBody', contentType: 'application/json', body: JSON.stringify(a) };
    }
    const a = activity();
    return { kind: String(a['type']), contentType: 'application/json', body: JSON.stringify(a), activity: a };
  };
}
