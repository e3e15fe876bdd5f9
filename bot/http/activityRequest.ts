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
  if (body['from'] !== undefined && !isPlainObject(body['from'])) return bad('the activity\'s from must be an object');
  if (body['recipient'] !== undefined && !isPlainObject(body['recipient'])) return bad('the activity\'s recipient must be an object');
  if (typeof body['channelId'] !== 'string' || body['channelId'] === '') return bad('the activity has no channelId');

  const serviceUrl = body['serviceUrl'];
  if (typeof serviceUrl !== 'string') return bad('the activity has no serviceUrl');
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return bad('the activity\'s serviceUrl is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('the activity\'s serviceUrl must be http(s)');
  if (options.loopbackServiceUrlOnly && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: false, status: 403, reason: 'in local mode the bot only answers channels on this machine' };
  }
  return { ok: true };
}

function bad(reason: string): RequestCheck {
  return { ok: false, status: 400, reason };
}
