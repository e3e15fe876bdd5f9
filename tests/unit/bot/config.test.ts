import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../bot/config';
import { DEMO_TENANT_ID } from '../../../emulator/tenant/demoTenant';

const LOCAL = {
  LOCAL_TENANT_URL: 'https://localhost:8443',
  LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
  LOCAL_CLIENT_SECRET: 's3cret-value',
  STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true;',
} as const;

function refused(env: Record<string, string>, setting: string): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, 'a ConfigError');
      assert.equal(error.setting, setting);
      assert.match(error.message, new RegExp(`^${setting}: `));
      assert.doesNotMatch(error.message, /s3cret-value/, 'never echoes the secret');
      return true;
    },
  );
}

describe('bot/config', () => {
  it('reads a local configuration with its defaults and derives the services settings', () => {
    const config = loadConfig(LOCAL);
    assert.equal(config.mode, 'local');
    assert.equal(config.port, 3978);
    assert.equal(config.tenantId, DEMO_TENANT_ID);
    assert.deepEqual(config.storage, { connectionString: 'UseDevelopmentStorage=true;', container: 'pimbot-state' });
    assert.deepEqual(config.services, {
      tenantId: DEMO_TENANT_ID,
      authority: `https://localhost:8443/${DEMO_TENANT_ID}`,
      knownAuthorities: ['localhost:8443'],
      clientId: LOCAL.LOCAL_CLIENT_ID,
      clientSecret: 's3cret-value',
      graphBaseUrl: 'https://localhost:8443',
      localSsoUrl: 'https://localhost:8443',
      cacheTtlMs: 60_000,
    });
  });

  it('takes the optional settings when given', () => {
    const config = loadConfig({
      ...LOCAL,
      LOCAL_TENANT_URL: 'https://127.0.0.1:9443/',
      PORT: '4000',
      LOCAL_TENANT_ID: 'AAAAAAAA-0000-4000-8000-000000000001',
      STORAGE_CONTAINER: 'my-state',
      PIM_CACHE_SECONDS: '0',
    });
    assert.equal(config.port, 4000);
    assert.equal(config.tenantId, 'aaaaaaaa-0000-4000-8000-000000000001');
    assert.equal(config.services.authority, 'https://127.0.0.1:9443/aaaaaaaa-0000-4000-8000-000000000001');
    assert.deepEqual(config.services.knownAuthorities, ['127.0.0.1:9443']);
    assert.equal(config.storage.container, 'my-state');
    assert.equal(config.services.cacheTtlMs, 0);
  });

  for (const name of ['LOCAL_TENANT_URL', 'LOCAL_CLIENT_ID', 'LOCAL_CLIENT_SECRET', 'STORAGE_CONNECTION_STRING'] as const) {
    it(`refuses to start without ${name}`, () => {
      const env: Record<string, string> = { ...LOCAL };
      delete env[name];
      refused(env, name);
      refused({ ...LOCAL, [name]: '   ' }, name);
    });
  }

  const invalid: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['LOCAL_TENANT_URL', 'not a url'],
    ['LOCAL_TENANT_URL', 'http://localhost:8443'],
    ['LOCAL_TENANT_URL', 'https://localhost:8443/some/path'],
    ['LOCAL_TENANT_ID', 'contoso'],
    ['STORAGE_CONTAINER', 'Bad_Name'],
    ['STORAGE_CONTAINER', 'ab'],
    ['PIM_CACHE_SECONDS', '1.5'],
    ['PIM_CACHE_SECONDS', '999999'],
  ];
  for (const [name, value] of invalid) {
    it(`refuses ${name}="${value}" and names the setting`, () => refused({ ...LOCAL, [name]: value }, name));
  }

  it('refuses production (MicrosoftAppId set): not supported by this build yet', () => {
    refused({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }, 'MicrosoftAppId');
    refused({ ...LOCAL, MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }, 'MicrosoftAppId');
  });

  for (const name of ['MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'MicrosoftAppCertificateThumbprint']) {
    it(`refuses local mode while the production setting ${name} is present`, () => refused({ ...LOCAL, [name]: 'x' }, name));
  }
});
