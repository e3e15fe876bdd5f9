import assert from 'node:assert/strict';
import { createJsonLogger, redact, registerSecret } from '../../../bot/logging';
import { runInScope } from '../../../bot/turnScope';
import { checkTenant } from '../../../bot/http/tenantGuard';

const JWT = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('structured logs', () => {
  it("writes one JSON object per line with the turn's correlation id", async () => {
    const lines: string[] = [];
    const logger = createJsonLogger(
      (l) => lines.push(l),
      () => new Date('2030-01-01T00:00:00Z'),
    );
    logger.info('outside a turn');
    await runInScope({ correlationId: 'c0ffee00-0000-4000-8000-000000000001' }, async () => {
      await Promise.resolve();
      logger.warn('inside a turn', { activityType: 'message', count: 2 });
    });
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), { time: '2030-01-01T00:00:00.000Z', level: 'info', msg: 'outside a turn' });
    assert.deepEqual(JSON.parse(lines[1]!), {
      time: '2030-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'inside a turn',
      correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      activityType: 'message',
      count: 2,
    });
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
    for (const leaked of [
      JWT,
      'eyJ0eXAi',
      'plain-but-named-token',
      'c2VjcmV0LWtleQ==',
      'abc123secret',
      'a-registered-client-secret-value',
    ]) {
      assert.ok(!line.includes(leaked), `leaked ${leaked}: ${line}`);
    }
    assert.doesNotThrow(() => JSON.parse(line));
    assert.equal(redact('no secrets here'), 'no secrets here');
  });
});

describe('log redaction: by what a value is, and by the exact names that hold secrets', () => {
  const ENTRA_CODE = '0.AXoAsmSAPLACEHOLDERfakeCodeValue_abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFG';
  const STORAGE_KEY = 'c2VjcmV0LXN0b3JhZ2Uta2V5LWZvci1sb2dzLXRlc3Q=';
  const logged = (fields: Record<string, unknown>, message = 'something happened'): { line: string; entry: Record<string, unknown> } => {
    const lines: string[] = [];
    createJsonLogger((l) => lines.push(l)).warn(message, fields);
    return { line: lines[0]!, entry: JSON.parse(lines[0]!) as Record<string, unknown> };
  };

  it('redacts secrets under innocent names, inside strings, nested objects, arrays and error messages', () => {
    registerSecret('registered-client-secret-0123456789');
    const { line } = logged(
      {
        detail: `upstream said: Bearer ${JWT}`,
        nested: {
          level: {
            deeper: { note: `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net` },
          },
        },
        list: ['fine', `https://acct.blob.core.windows.net/c/b?sv=2024-01-01&sp=r&sig=SASsignatureValue123%3D`],
        failure: new Error(`AADSTS70008: the code ${ENTRA_CODE} has expired`),
        body: '{"token_type":"Bearer","access_token":"opaque-access-token-value","refresh_token":"opaque-refresh-token-value"}',
        form: 'grant_type=authorization_code&code=emulatorCodeValue42&code_verifier=verifierValue99&client_secret=formSecretValue7',
        query: '/auth/callback?state=abc&code=callbackCodeValue55',
        echoed: 'the app was configured with registered-client-secret-0123456789',
        urlEncoded: `client_secret=${encodeURIComponent('registered-client-secret-0123456789')}`,
        header: 'Basic dXNlcjpwYXNzd29yZA==',
        pem: 'cannot read -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
        truncated: 'body {"access_token":"cut-off-access-token-val',
      },
      `refused Bearer ${JWT} for ${ENTRA_CODE}`,
    );
    for (const leaked of [
      'eyJ0eXAi',
      STORAGE_KEY,
      'SASsignatureValue123',
      ENTRA_CODE.slice(0, 20),
      'opaque-access-token-value',
      'opaque-refresh-token-value',
      'emulatorCodeValue42',
      'verifierValue99',
      'formSecretValue7',
      'callbackCodeValue55',
      'registered-client-secret-0123456789',
      'dXNlcjpwYXNzd29yZA==',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'cut-off-access-token-val',
    ]) {
      assert.ok(!line.includes(leaked), `leaked ${leaked}: ${line}`);
    }
    assert.match(line, /AccountName=acct/, 'the rest of the connection string stays readable');
    assert.match(line, /state=abc/, 'the rest of the URL stays readable');
    assert.match(line, /AADSTS70008: the code \[redacted\] has expired/);
  });

  it('drops the fields named exactly like a secret setting or credential, whatever their value looks like', () => {
    const { entry } = logged({
      MicrosoftAppPassword: 'short',
      LOCAL_CLIENT_SECRET: 'abc',
      TOKEN_CACHE_KEY: 'k',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      clientSecret: 'plain',
      password: 'hunter2',
      token: 'opaque',
      accessToken: 'opaque',
      refresh_token: 'opaque',
      authorization: 'opaque',
      cookie: 'session=1',
      code: 'emulatorCodeWith1Digit_x9',
      headers: { Authorization: 'opaque', 'set-cookie': 'a=b' },
    });
    for (const name of [
      'MicrosoftAppPassword',
      'LOCAL_CLIENT_SECRET',
      'TOKEN_CACHE_KEY',
      'STORAGE_CONNECTION_STRING',
      'clientSecret',
      'password',
      'token',
      'accessToken',
      'refresh_token',
      'authorization',
      'cookie',
      'code',
    ]) {
      assert.equal(entry[name], '[redacted]', name);
    }
    assert.deepEqual(entry['headers'], { Authorization: '[redacted]', 'set-cookie': '[redacted]' });
  });

  it('keeps useful fields whose names merely contain "key" or "token"', () => {
    const { entry } = logged({
      key: 'approval/8a1e5b2c-0000-4000-8000-000000000042',
      eligibilityKey: 'entraRole|/|f2ef992c-3afb-46b9-b7cf-a126ee74c451',
      tokenEndpoint: 'https://login.microsoftonline.com/c0de0000-0000-4000-8000-00000000c0de/oauth2/v2.0/token',
      checks: { storage: 'ok', tokenEndpoint: 'failed', graph: 'ok' },
      tokenType: 'Bearer',
      keyCount: 3,
      code: 'RoleAssignmentExists',
      upstreamCode: 'InvalidAuthenticationToken',
      kind: 'conflict',
      status: 404,
      nested: { code: 'ECONNRESET', httpCode: 429 },
    });
    assert.equal(entry['key'], 'approval/8a1e5b2c-0000-4000-8000-000000000042');
    assert.equal(entry['eligibilityKey'], 'entraRole|/|f2ef992c-3afb-46b9-b7cf-a126ee74c451');
    assert.equal(entry['tokenEndpoint'], 'https://login.microsoftonline.com/c0de0000-0000-4000-8000-00000000c0de/oauth2/v2.0/token');
    assert.deepEqual(entry['checks'], { storage: 'ok', tokenEndpoint: 'failed', graph: 'ok' });
    assert.equal(entry['tokenType'], 'Bearer');
    assert.equal(entry['keyCount'], 3);
    assert.equal(entry['code'], 'RoleAssignmentExists', 'an error code is not an authorization code');
    assert.equal(entry['upstreamCode'], 'InvalidAuthenticationToken');
    assert.deepEqual(entry['nested'], { code: 'ECONNRESET', httpCode: 429 });
    assert.equal(
      redact('the request 8a1e5b2c-0000-4000-8000-000000000042 needs approval'),
      'the request 8a1e5b2c-0000-4000-8000-000000000042 needs approval',
    );
    assert.equal(
      redact('{"error":{"code":"RoleAssignmentExists","message":"The Role assignment already exists."}}'),
      '{"error":{"code":"RoleAssignmentExists","message":"The Role assignment already exists."}}',
    );
  });
});

describe('tenant guard', () => {
  const allowed = ['c0de0000-0000-4000-8000-00000000c0de'];
  const activity = (channelTenant?: string, conversationTenant?: string) =>
    ({
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
