// The one place an msal-node failure becomes a PimError. msal messages are not carried over: they
// can echo request details, and the bot owns all wording.

import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { PimError, isPimError } from '../pim/errors';
import type { Resource } from './tokenProvider';

const UNAVAILABLE_CODES = new Set([
  'network_error',
  'endpoints_resolution_error',
  'openid_config_error',
  'no_network_connectivity',
  'temporarily_unavailable',
]);
/** The incoming assertion is expired, revoked or not for us: the user must sign in again. */
const REAUTH_CODES = new Set(['invalid_grant', 'login_required', 'consent_required', 'interaction_required']);

/** `resource`: the API the token was asked for, which a step-up sign-in must get a token for again. */
export function mapMsalError(error: unknown, requestedClaims?: string, resource?: Resource): PimError {
  const forResource = resource ? { resource } : {};
  if (isPimError(error)) return error;
  if (error instanceof InteractionRequiredAuthError) {
    return new PimError('authenticationRequired', 'The token service requires the user to sign in', {
      upstreamCode: error.errorCode,
      claims: error.claims || requestedClaims,
      ...forResource,
    });
  }
  if (error instanceof ServerError) {
    const base = { upstreamCode: error.errorCode, httpStatus: error.status };
    if (error.status === 429) return new PimError('throttled', 'The token service throttled the call', base);
    if ((error.status ?? 0) >= 500 || UNAVAILABLE_CODES.has(error.errorCode))
      return new PimError('unavailable', 'The token service is unavailable', base);
    if (REAUTH_CODES.has(error.errorCode))
      return new PimError('authenticationRequired', 'The token service refused the user token', {
        ...base,
        claims: requestedClaims,
        ...forResource,
      });
    return new PimError('unknown', 'The token service refused the request', base);
  }
  if (error instanceof AuthError) {
    if (UNAVAILABLE_CODES.has(error.errorCode))
      return new PimError('unavailable', 'The token service is unreachable', { upstreamCode: error.errorCode });
    return new PimError('unknown', 'Token acquisition failed', { upstreamCode: error.errorCode });
  }
  return new PimError('unknown', 'Token acquisition failed');
}
