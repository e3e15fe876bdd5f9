import assert from 'node:assert/strict';
import { checkActivityRequest } from '../../../../bot/http/activityRequest';
import { createConsoleLogger, redact } from '../../../../bot/logging';

const VALID = {
  type: 'message',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:5000',
  conversation: { id: 'c1' },
  from: { id: 'u1' },
  recipient: { id: 'b1' },
  text: 'hi',
};

describe('checkActivityRequest', () => {
  it('accepts a well-formed activity from a local channel', () => {
    assert.deepEqual(checkActivityRequest(VALID, { loopbackServiceUrlOnly: true }), { ok: true });
    assert.deepEqual(checkActivityRequest({ ...VALID, serviceUrl: 'http://localhost:1/x' }, { loopbackServiceUrlOnly: true }), {
      ok: true,
    });
  });

  const garbage: Array<[string, unknown]> = [
    ['a string', 'hello'],
    ['an array', [VALID]],
    ['null', null],
    ['no type', { ...VALID, type: undefined }],
    ['a numeric type', { ...VALID, type: 1 }],
    ['no conversation', { ...VALID, conversation: undefined }],
    ['a conversation without id', { ...VALID, conversation: {} }],
    ['no channelId', { ...VALID, channelId: '' }],
    ['no serviceUrl', { ...VALID, serviceUrl: undefined }],
    ['a serviceUrl that is not a URL', { ...VALID, serviceUrl: 'not a url' }],
    ['a file: serviceUrl', { ...VALID, serviceUrl: 'file:///etc/passwd' }],
    ['from that is a string', { ...VALID, from: 'alice' }],
    // Found by tests/integration/fuzz: these are copied into the reply, whose serializer would throw.
    ['a numeric conversationType', { ...VALID, conversation: { id: 'c1', conversationType: 7 } }],
    ['a numeric locale', { ...VALID, locale: 7 }],
    ['a recipient name that is a number', { ...VALID, recipient: { id: 'b1', name: 7 } }],
    ['an empty conversation id', { ...VALID, conversation: { id: '' } }],
    ['a conversation id with a lone surrogate', { ...VALID, conversation: { id: 'a:\udfff' } }],
    ['a conversation id with a control character', { ...VALID, conversation: { id: 'a:\u0000' } }],
    ['an adaptiveCard/action invoke without value.action', { ...VALID, type: 'invoke', name: 'adaptiveCard/action', value: {} }],
  ];
  for (const [what, body] of garbage) {
    it(`refuses ${what} with 400`, () => {
      const result = checkActivityRequest(body, { loopbackServiceUrlOnly: true });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.status, 400);
    });
  }

  it('in local mode refuses to answer a channel on another machine', () => {
    const result = checkActivityRequest(
      { ...VALID, serviceUrl: 'https://smba.trafficmanager.net/emea/' },
      { loopbackServiceUrlOnly: true },
    );
    assert.equal(!result.ok && result.status, 403);
  });
});

describe('logging', () => {
  it('masks bearer tokens, JWTs and secret-named fields', () => {
    assert.equal(redact('Authorization: Bearer abc.def-ghi'), 'Authorization: Bearer [redacted]');
    assert.equal(redact('token eyJhbGciOi.eyJzdWIi.sig'), 'token [redacted-jwt]');
    const lines: string[] = [];
    createConsoleLogger((l) => lines.push(l)).error('failed', { accessToken: 'abc', clientSecret: 'def', kind: 'unavailable' });
    assert.doesNotMatch(lines[0]!, /abc|def/);
    assert.match(lines[0]!, /unavailable/);
  });
});
