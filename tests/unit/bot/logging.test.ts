import assert from 'node:assert/strict';
import { createJsonLogger, redact, registerSecret } from '../../../bot/logging';
import { runInScope } from '../../../bot/turnScope';
import { checkTenant } from '../../../bot/http/tenantGuard';

const JWT = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('structured logs', () => {
  it('writes one JSON object per line with the turn\'s correlation id', async () => {
    const lines: string[] = [];
    const logger = createJsonLogger((l) => lines.push(l), () => new Date('2030-01-01T00:00:00Z'));
    logger.info('outside a turn');
    await runInScope({ correlationId: 'c0ffee00-0000-4000-8000-000000000001' }, async () => {
      await Promise.resolve();
      logger.warn('inside a turn', { activityType: 'message', count: 2 });
    });
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), { time: '2030-01-01T00:00:00.000Z', level: 'info', msg: 'outside a turn' });
    assert.deepEqual(JSON.parse(lines[1]!), { time: '2030-01-01T00:00:00.000Z', level: 'warn', msg: 'inside a turn', correlationId: 'c0ffee00-0000-4000-8000-000000000001', activityType: 'message', count: 2 });
  });

  it('never writes a token or secret, wherever it hides', () => {
    registerSecret('a-registered-client-secret-value');
    const lines: string[] = [];
    const logger = createJsonLogger((l) => lines.push(l));
    logger.error(`failed with Bearer ${JWT}`, {
      nested: { deeper: { message: `token ${JWT}` }, list: [JWT] },
      error: new Error(`upstream said ${JWT}`),
      accessToken: 'plain-but-named-token',
      detail: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net',
      form: 'grant_type=client_credentials&client_secret=abc123secret&client_assertion=xyz',
      echoed: 'the secret is a-registered-client-secret-value',
    });
    const line = lines[0]!;
    for (const leaked of [JWT, 'eyJ0eXAi', 'plain-but-named-token', 'c2VjcmV0LWtleQ==', 'abc123secret', 'a-registered-client-secret-value']) {
      assert.ok(!line.includes(leaked), `leaked ${leaked}: ${line}`);
    }
    assert.doesNotThrow(() => JSON.parse(line));
    assert.equal(redact('no secrets here'), 'no secrets here');
  });
});

describe('tenant guard', () => {
  const allowed = ['c0de0000-0000-4000-8000-00000000c0de'];
  const activity = (channelTenant?: string, conversationTenant?: string) => ({
    channelData: channelTenant ? { tenant: { id: channelTenant } } : {},
    conversation: { id: 'a:1', ...(conversationTenant ? { tenantId: conversationTenant } : {}) },
  }) as never;

  it('serves an allowed tenant named consistently', () => {
    assert.equal(checkTenant(activity(allowed[0], allowed[0]!.toUpperCase()), allowed, true).ok, true);
    assert.equal(checkTenant(activity(undefined, allowed[0]), allowed, true).ok, true);
  });

  it('refuses another tenant, disagreeing tenants, and (in production) no tenant', () => {
    const other = '7e570000-0000-4000-8000-0000000000ff';
    assert.equal(checkTenant(activity(other, other), allowed, true).ok, false);
    assert.equal(checkTenant(activity(allowed[0], other), allowed, true).ok, false);
    assert.equal(checkTenant(activity(other, allowed[0]), allowed, false).ok, false);
    assert.equal(checkTenant(activity(), allowed, true).ok, false);
    assert.equal(checkTenant(activity(), allowed, false).ok, true, 'the local Playground may omit it');
  });
});
