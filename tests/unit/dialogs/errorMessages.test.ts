import assert from 'node:assert/strict';
import { describeFailure, describePimError } from '../../../dialogs/errorMessages';
import { PimError, type PimErrorKind } from '../../../services/pim/errors';

const KINDS: PimErrorKind[] = [
  'policyViolation',
  'durationTooShort',
  'alreadyActive',
  'notEligible',
  'authenticationRequired',
  'forbidden',
  'notFound',
  'throttled',
  'unavailable',
  'invalidInput',
  'unknown',
];

describe('errorMessages', () => {
  for (const kind of KINDS) {
    it(`${kind} has a title, plain words and what to do, without upstream text`, () => {
      const message = describePimError(new PimError(kind, 'SECRET upstream detail eyJabc.def.ghi'), 'Global Reader');
      for (const part of [message.title, message.text, message.hint]) {
        assert.ok(part.length > 0);
        assert.doesNotMatch(part, /SECRET|eyJ/);
      }
    });
  }

  it('names each failed policy rule in words', () => {
    const message = describePimError(
      new PimError('policyViolation', 'x', { rules: ['ExpirationRule', 'JustificationRule', 'TicketingRule'] }),
      'User Administrator',
    );
    assert.match(message.text, /the duration is longer than the role allows; a justification is required; a ticket number is required/);
  });

  it('says when to retry after throttling', () => {
    assert.match(describePimError(new PimError('throttled', 'x', { retryAfterSeconds: 120 })).hint, /about 2 minutes/);
    // Rounded up in words, never earlier than the Retry-After; seconds said as seconds, not "about 1 minute".
    assert.match(describePimError(new PimError('throttled', 'x', { retryAfterSeconds: 8 })).hint, /try again in about 10 seconds\./);
    assert.match(describePimError(new PimError('throttled', 'x', { retryAfterSeconds: 1 })).hint, /about 5 seconds/);
    assert.match(describePimError(new PimError('throttled', 'x', { retryAfterSeconds: 56 })).hint, /about 1 minute\./);
    assert.match(describePimError(new PimError('throttled', 'x', { retryAfterSeconds: 61 })).hint, /about 2 minutes/);
  });

  it('says nothing specific about errors that are not PimErrors', () => {
    const message = describeFailure(new TypeError('cannot read property token of undefined'));
    assert.equal(message.title, 'Something went wrong on my side');
    assert.doesNotMatch(`${message.text} ${message.hint}`, /token|undefined/);
  });
});
