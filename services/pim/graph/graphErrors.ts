// The one place a Microsoft Graph failure becomes a PimError. Codes and messages follow
// contracts/errors/CATALOG.md; anything unrecognised keeps its HTTP class (4xx/5xx) so the bot
// can still say something sensible. Upstream messages are not copied into the PimError message:
// they are English for admins, and the bot owns all wording.

import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';
import type { Resource } from '../../identity/tokenProvider';
import { PimError, isPimError, type PimErrorKind } from '../errors';

/** Error codes PIM returns inside `{"error":{"code": ...}}`, mapped to what they mean for the user. */
const KIND_BY_CODE: Readonly<Record<string, PimErrorKind>> = {
  roleassignmentrequestpolicyvalidationfailed: 'policyViolation',
  activedurationtooshort: 'durationTooShort',
  roleassignmentexists: 'alreadyActive',
  // "There already exists a pending request": for the user it is the same as already active; the
  // upstream code stays in the details so the bot may tell the two apart.
  pendingroleassignmentrequest: 'alreadyActive',
  roleassignmentrequestacrsvalidationfailed: 'authenticationRequired',
  roleassignmentdoesnotexist: 'notFound',
  subjectnotfound: 'notFound',
  resourceislocked: 'forbidden',
  invalidpolicy: 'invalidInput',
};

export function mapGraphError(error: unknown): PimError {
  if (isPimError(error)) return error;
  if (error instanceof GraphError) return fromGraphError(error);
  if (error instanceof GraphClientError) return new PimError('unknown', 'Graph client error');
  return new PimError('unavailable', 'Graph call failed');
}

function fromGraphError(e: GraphError): PimError {
  return mapUpstreamError(e.statusCode, e.code ?? undefined, e.message, e.headers, 'Graph');
}

/** Any PIM upstream (Graph or ARM) answer → PimError: the error codes are the same on both APIs. */
export function mapUpstreamError(
  status: number,
  code: string | undefined,
  message: string,
  headers: Headers | undefined,
  api: 'Graph' | 'ARM',
): PimError {
  const e = { message, headers };
  const base = { upstreamCode: code, httpStatus: status > 0 ? status : undefined };
  const resource: Resource = api === 'ARM' ? 'arm' : 'graph';
  const byCode = code ? KIND_BY_CODE[code.toLowerCase()] : undefined;

  if (byCode === 'policyViolation') {
    const rules = failedPolicyRules(e.message);
    // "EligibilityRule" failing means there is no eligibility to activate, not a fixable input.
    const kind: PimErrorKind = rules.some((r) => r.toLowerCase() === 'eligibilityrule') ? 'notEligible' : 'policyViolation';
    return new PimError(kind, `PIM refused the request (${code})`, { ...base, rules });
  }
  if (byCode === 'authenticationRequired') {
    return new PimError('authenticationRequired', `PIM requires a stronger sign-in (${code})`, {
      ...base,
      claims: claimsFromMessage(e.message),
      resource,
    });
  }
  if (byCode) return new PimError(byCode, `PIM refused the request (${code})`, base);

  if (status === 401) {
    return new PimError('authenticationRequired', `${api} rejected the token`, {
      ...base,
      claims: claimsFromWwwAuthenticate(e.headers),
      resource,
    });
  }
  if (status === 403) return new PimError('forbidden', `${api} denied access`, base);
  if (status === 404) return new PimError('notFound', `${api} resource not found`, base);
  if (status === 429)
    return new PimError('throttled', `${api} throttled the call`, { ...base, retryAfterSeconds: retryAfterSeconds(e.headers) });
  if (status >= 500 || status <= 0) return new PimError('unavailable', `${api} is unavailable`, base);
  if (status === 400) return new PimError('invalidInput', `${api} rejected the request${code ? ` (${code})` : ''}`, base);
  return new PimError('unknown', `${api} call failed with ${status}`, base);
}

/** `The following policy rules failed: ["ExpirationRule","MfaRule"]` → ['ExpirationRule', 'MfaRule']. */
export function failedPolicyRules(message: string): string[] {
  const m = /\[([^\]]*)\]/.exec(message);
  if (!m) return [];
  try {
    const parsed: unknown = JSON.parse(`[${m[1]}]`);
    if (Array.isArray(parsed)) return parsed.filter((r): r is string => typeof r === 'string');
  } catch {
    // Not JSON: fall through to a lenient split of the bracket contents.
  }
  return (m[1] ?? '')
    .split(',')
    .map((r) => r.trim().replace(/^["']|["']$/g, ''))
    .filter((r) => r.length > 0);
}

/**
 * The claims challenge PIM puts in the message of RoleAssignmentRequestAcrsValidationFailed:
 * `...&claims=%7B%22access_token%22...` (URL-encoded) or the bare JSON. Undefined when absent.
 */
export function claimsFromMessage(message: string): string | undefined {
  const encoded = /(?:^|[&?\s])claims=([^&\s]+)/.exec(message)?.[1];
  if (encoded) {
    try {
      return validClaims(decodeURIComponent(encoded));
    } catch {
      return undefined;
    }
  }
  const json = /\{.*\}/s.exec(message)?.[0];
  return json ? validClaims(json) : undefined;
}

/** Claims challenge in a 401's `WWW-Authenticate: Bearer ..., claims="<base64 JSON>"`. */
export function claimsFromWwwAuthenticate(headers: Headers | undefined): string | undefined {
  const header = headers?.get('WWW-Authenticate');
  const b64 = header ? /claims="([^"]+)"/i.exec(header)?.[1] : undefined;
  return b64 ? validClaims(Buffer.from(b64, 'base64').toString('utf8')) : undefined;
}

function validClaims(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function retryAfterSeconds(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = retryAfterMs(headers, now);
  // Said and kept in whole seconds, rounded up: never early.
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** Retry-After in milliseconds, fraction kept ("2.128" → 2128), for waiting it out precisely. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const value = headers?.get('Retry-After')?.trim();
  if (!value) return undefined;
  // Graph sends fractions ("Retry-After: 2.128" in its throttling sample); round up, never early.
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
