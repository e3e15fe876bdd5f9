// Checks the shape of a POST to /api/messages before the adapter sees it. The adapter would throw
// on some garbage (a 500 for the caller's mistake); and in local mode, where no token protects the
// endpoint, replies must only ever go back to a channel on this machine.
import { isPlainObject } from '../../dialogs/input';

export type RequestCheck = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkActivityRequest(body: unknown, options: { readonly loopbackServiceUrlOnly: boolean }): RequestCheck {
  if (!isPlainObject(body)) return bad('the body must be a JSON activity object');
  if (typeof body['type'] !== 'string' || body['type'] === '') return bad('the activity has no type');
  if (!isPlainObject(body['conversation']) || typeof body['conversation']['id'] !== 'string') {
    return bad('the activity has no conversation id');
  }
  if (body['from'] !== undefined && !isPlainObject(body['from'])) return bad("the activity's from must be an object");
  if (body['recipient'] !== undefined && !isPlainObject(body['recipient'])) return bad("the activity's recipient must be an object");
  if (typeof body['channelId'] !== 'string' || body['channelId'] === '') return bad('the activity has no channelId');
  const misshapen = replyFieldProblem(body);
  if (misshapen) return bad(misshapen);

  const serviceUrl = body['serviceUrl'];
  if (typeof serviceUrl !== 'string') return bad('the activity has no serviceUrl');
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return bad("the activity's serviceUrl is not a URL");
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad("the activity's serviceUrl must be http(s)");
  if (options.loopbackServiceUrlOnly && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: false, status: 403, reason: 'in local mode the bot only answers channels on this machine' };
  }
  return { ok: true };
}

// The reply copies these from the activity (conversation, from/recipient swapped, locale, id as
// replyToId); the connector's serializer throws on a wrong type, so the user could not even be told.
const REPLY_STRINGS: ReadonlyArray<readonly [string | undefined, string]> = [
  [undefined, 'id'],
  [undefined, 'locale'],
  [undefined, 'replyToId'],
  ['conversation', 'conversationType'],
  ['conversation', 'tenantId'],
  ['conversation', 'name'],
  ['conversation', 'aadObjectId'],
  ['conversation', 'role'],
  ['from', 'id'],
  ['from', 'name'],
  ['from', 'aadObjectId'],
  ['from', 'role'],
  ['recipient', 'id'],
  ['recipient', 'name'],
  ['recipient', 'aadObjectId'],
  ['recipient', 'role'],
];
/** Channel ids are ASCII; they go into URLs and headers, where control characters or lone surrogates throw. */
const CHANNEL_ID = /^[\x21-\x7e\u00a0-\u00ff][\x20-\x7e\u00a0-\u00ff]{0,1023}$/;

function replyFieldProblem(body: Record<string, unknown>): string | undefined {
  for (const [parent, field] of REPLY_STRINGS) {
    const holder = parent === undefined ? body : body[parent];
    const value = isPlainObject(holder) ? holder[field] : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string')
      return `the activity's ${parent ? `${parent}.` : ''}${field} must be a string`;
  }
  const conversation = body['conversation'] as Record<string, unknown>;
  if (!CHANNEL_ID.test(conversation['id'] as string)) return "the activity's conversation id is not a valid id";
  for (const field of ['id', 'replyToId', 'channelId']) {
    if (typeof body[field] === 'string' && body[field] !== '' && !CHANNEL_ID.test(body[field] as string))
      return `the activity's ${field} is not a valid id`;
  }
  if (conversation['isGroup'] !== undefined && conversation['isGroup'] !== null && typeof conversation['isGroup'] !== 'boolean') {
    return "the activity's conversation.isGroup must be a boolean";
  }
  const channelData = body['channelData'];
  // Teams' handler reads channelData.eventType and friends without a null check.
  if (channelData !== undefined && !isPlainObject(channelData)) return "the activity's channelData must be an object";
  for (const field of ['membersAdded', 'membersRemoved']) {
    const members = body[field];
    if (members !== undefined && members !== null && !(Array.isArray(members) && members.every(isPlainObject)))
      return `the activity's ${field} must be a list of accounts`;
  }
  if (body['type'] === 'invoke' && body['name'] === 'adaptiveCard/action') {
    const value = body['value'];
    if (!isPlainObject(value) || !isPlainObject(value['action'])) return 'an adaptiveCard/action invoke needs value.action';
  }
  return undefined;
}

function bad(reason: string): RequestCheck {
  return { ok: false, status: 400, reason };
}
