// Local mode has no token on /api/messages: whoever can reach the port acts as any persona. The
// listener is bound to loopback, but a web page in the developer's browser can still reach it: a
// cross-site form post or fetch (the browser adds an Origin header), a subresource such as an
// image (Sec-Fetch-Site says cross-site and the mode is not a navigation), or DNS rebinding (a
// name the page controls resolving to 127.0.0.1: the Host header is that name). Channels on this
// machine (the Agents Playground's server, tests) send none of that; the user's browser only ever
// navigates to the sign-in callback, which stays open.
import type { IncomingHttpHeaders } from 'node:http';

export type LocalCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkLocalRequest(headers: IncomingHttpHeaders, localPort: number | undefined): LocalCheck {
  if (headers.origin !== undefined) return refused('a request from a web page (it carries an Origin header)');
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none' && site !== 'same-origin' && headers['sec-fetch-mode'] !== 'navigate') {
    return refused('a request a web page made on its own (only navigating to the bot is allowed)');
  }
  if (!isLoopbackHost(headers.host, localPort)) return refused('a request addressed to a host name that is not this machine');
  return { ok: true };
}

/** `localhost`, `127.0.0.1` or `[::1]`, with no port or the port the bot listens on. */
export function isLoopbackHost(host: string | undefined, localPort: number | undefined): boolean {
  if (host === undefined) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return false;
  if (!LOOPBACK_NAMES.has(m[1]!.toLowerCase())) return false;
  return m[2] === undefined || localPort === undefined || Number(m[2]) === localPort;
}

function refused(what: string): LocalCheck {
  return { ok: false, reason: `in local mode the bot refuses ${what}` };
}
