import assert from 'node:assert/strict';
import { AuthError, ClientAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { PimError } from '../../../../services/pim/errors';
import { mapMsalError } from '../../../../services/identity/msalErrors';

const ACRS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

describe('services/identity msal error mapping', () => {
  it('interaction_required → authenticationRequired with the server claims', () => {
    const e = new InteractionRequiredAuthError('interaction_required', 'corr', 'AADSTS50076', '', '', '', ACRS);
    const mapped = mapMsalError(e);
    assert.equal(mapped.kind, 'authenticationRequired');
    assert.equal(mapped.details.claims, ACRS);
    assert.equal(mapped.details.upstreamCode, 'interaction_required');
  });

  it('interaction_required without server claims keeps the requested ones', () => {
    const e = new InteractionRequiredAuthError('interaction_required', 'corr');
    assert.equal(mapMsalError(e, ACRS).details.claims, ACRS);
  });

  it('a sign-in the token service demands is for the API the token was asked for', () => {
    assert.equal(
      mapMsalError(new InteractionRequiredAuthError('interaction_required', 'corr', '', '', '', '', ACRS), undefined, 'arm').details
        .resource,
      'arm',
    );
    assert.equal(
      mapMsalError(new ServerError('invalid_grant', 'corr', 'AADSTS50013', undefined, undefined, 400), ACRS, 'graph').details.resource,
      'graph',
    );
  });

  it('invalid_grant (expired or foreign assertion) → authenticationRequired', () => {
    assert.equal(
      mapMsalError(new ServerError('invalid_grant', 'corr', 'AADSTS50013', undefined, undefined, 400)).kind,
      'authenticationRequired',
    );
  });

  it('token service 429 → throttled, 5xx → unavailable', () => {
    assert.equal(mapMsalError(new ServerError('throttled', 'corr', '', undefined, undefined, 429)).kind, 'throttled');
    assert.equal(mapMsalError(new ServerError('server_error', 'corr', '', undefined, undefined, 503)).kind, 'unavailable');
    assert.equal(mapMsalError(new ServerError('temporarily_unavailable', 'corr')).kind, 'unavailable');
  });

  it('network failures → unavailable', () => {
    assert.equal(mapMsalError(new ClientAuthError('network_error', 'corr')).kind, 'unavailable');
    assert.equal(mapMsalError(new AuthError('endpoints_resolution_error', 'corr')).kind, 'unavailable');
  });

  it('misconfiguration → unknown, without msal wording', () => {
    const mapped = mapMsalError(
      new ServerError('invalid_client', 'corr', 'AADSTS7000215: Invalid client secret provided.', undefined, undefined, 401),
    );
    assert.equal(mapped.kind, 'unknown');
    assert.ok(!mapped.message.includes('AADSTS'));
    assert.equal(mapMsalError(new Error('boom')).kind, 'unknown');
  });

  it('passes PimErrors through', () => {
    const e = new PimError('throttled', 'x');
    assert.equal(mapMsalError(e), e);
  });
});
