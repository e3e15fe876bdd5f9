// Checks the bearer token of every API call, answering failures the way Graph does (401 + error body).
import type { EmulatorRequest } from '../http/types';
import { GraphError } from '../graph/errors';
import { principalFromClaims, type Principal } from './principal';
import type { TokenService } from './tokens';

const MESSAGES = {
  missing: 'Access token is empty.',
  malformed: 'Access token validation failure.',
  signature: 'Access token validation failure.',
  expired: 'Lifetime validation failed, the token is expired.',
  notYetValid: 'Lifetime validation failed, the token is not yet valid.',
  issuer: 'Access token validation failure. Invalid issuer.',
  audience: 'Access token validation failure. Invalid audience.',
  subject: 'Access token validation failure. The token has neither a user nor an application subject.',
} as const;

export function authenticateBearer(
  req: EmulatorRequest,
  tokens: TokenService,
  audiences: readonly string[],
  authorizationUri: string,
): Principal {
  const header = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const fail = (reason: keyof typeof MESSAGES) =>
    new GraphError(401, 'InvalidAuthenticationToken', MESSAGES[reason], {
      'www-authenticate': `Bearer realm="", authorization_uri="${authorizationUri}", client_id="00000003-0000-0000-c000-000000000000"`,
    });
  if (!m) throw fail('missing');
  const verified = tokens.verify(m[1]!, audiences);
  if (!verified.ok) throw fail(verified.reason);
  const principal = principalFromClaims(verified.claims);
  if (!principal) throw fail('subject');
  return principal;
}
