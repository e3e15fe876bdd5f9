// On-behalf-of for a named user: an assertion that names anyone else is refused before it leaves the
// process (no token request), so one user's SSO token can never fill another user's token cache.
import assert from 'node:assert/strict';
import { MsalTokenClient } from '../../../../services/identity/msalTokenClient';
import { PimError } from '../../../../services/pim/errors';

const TENANT = 'c0de0000-0000-4000-8000-00000000c0de';
const ALICE = '0a11ce00-0000-4000-8000-000000000001';
const BOB = '0b0b0000-0000-4000-8000-000000000002';

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2ln`;
}

describe('MsalTokenClient.onBehalfOf with the acting user', () => {
  // An authority nobody answers at: the refusal must come before any network call.
  const msal = new MsalTokenClient({
    clientId: '00000000-0000-4000-8000-0000000000b7',
    clientSecret: 'x',
    authority: 'https://127.0.0.1:9/' + TENANT,
    knownAuthorities: ['127.0.0.1:9'],
  });

  it("refuses an assertion of another user or tenant, or one that names nobody, with PimError 'forbidden'", async () => {
    for (const assertion of [
      unsignedJwt({ oid: BOB, tid: TENANT }),
      unsignedJwt({ oid: ALICE, tid: '7e570000-0000-4000-8000-0000000000ff' }),
      unsignedJwt({}),
      'junk',
    ]) {
      await assert.rejects(
        msal.onBehalfOf(assertion, 'graph', undefined, { userId: ALICE, tenantId: TENANT }),
        (e: unknown) => e instanceof PimError && e.kind === 'forbidden',
      );
    }
  });
});
