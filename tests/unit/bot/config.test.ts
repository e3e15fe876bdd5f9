import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, readEnvironment } from '../../../bot/config';
import { appCertificate, createAppCertificate } from '../../../emulator/tenant/identity/clientCertificates';
import { DEMO_TENANT_ID } from '../../../emulator/tenant/demoTenant';

const LOCAL = {
  LOCAL_TENANT_URL: 'https://localhost:8443',
  LOCAL_TENANT_ID: DEMO_TENANT_ID,
  LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
  LOCAL_CLIENT_SECRET: 's3cret-value',
  STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true;',
} as const;

function refused(env: Record<string, string | undefined>, setting: string): void {
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
    assert.deepEqual(config.allowedTenantIds, [DEMO_TENANT_ID]);
    assert.equal(config.production, undefined);
    assert.deepEqual(config.services, {
      tenantId: DEMO_TENANT_ID,
      authority: `https://localhost:8443/${DEMO_TENANT_ID}`,
      knownAuthorities: ['localhost:8443'],
      clientId: LOCAL.LOCAL_CLIENT_ID,
      clientSecret: 's3cret-value',
      graphBaseUrl: 'https://localhost:8443',
      armBaseUrl: 'https://localhost:8443',
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

  for (const name of [
    'LOCAL_TENANT_URL',
    'LOCAL_TENANT_ID',
    'LOCAL_CLIENT_ID',
    'LOCAL_CLIENT_SECRET',
    'STORAGE_CONNECTION_STRING',
  ] as const) {
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
    ['LOCAL_TEAMS_APP_CATALOG_ID', 'com.contoso.pimbot'],
    ['STORAGE_CONTAINER', 'Bad_Name'],
    ['STORAGE_CONTAINER', 'ab'],
    ['PIM_CACHE_SECONDS', '1.5'],
    ['PIM_CACHE_SECONDS', '999999'],
  ];
  for (const [name, value] of invalid) {
    it(`refuses ${name}="${value}" and names the setting`, () => refused({ ...LOCAL, [name]: value }, name));
  }

  for (const name of [
    'MicrosoftAppPassword',
    'MicrosoftAppType',
    'MicrosoftAppTenantId',
    'MicrosoftAppCertificateThumbprint',
    'ALLOWED_TENANT_IDS',
    'SSO_APP_ID_URI',
    'TOKEN_CACHE_KEY',
    'PUBLIC_BASE_URL',
  ]) {
    it(`refuses local mode while the production setting ${name} is present`, () => refused({ ...LOCAL, [name]: 'x' }, name));
  }

  describe('production (MicrosoftAppId set)', () => {
    const APP = '6a1b2c3d-0000-4000-8000-00000000b07a';
    const TENANT = '11111111-2222-4333-8444-555555555555';
    const PROD: Record<string, string | undefined> = {
      MicrosoftAppId: APP,
      MicrosoftAppTenantId: TENANT,
      MicrosoftAppPassword: 's3cret-value',
      SSO_APP_ID_URI: `api://pimbot.contoso.com/botid-${APP}`,
      STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=pim;AccountKey=s3cret-value;EndpointSuffix=core.windows.net',
      PUBLIC_BASE_URL: 'https://pimbot.contoso.com/',
    };

    it('reads a production configuration with its defaults: Entra, Graph, allowed tenant = own tenant', () => {
      const config = loadConfig(PROD);
      assert.equal(config.mode, 'production');
      assert.equal(config.tenantId, TENANT);
      assert.deepEqual(config.allowedTenantIds, [TENANT]);
      assert.equal(config.services.authority, `https://login.microsoftonline.com/${TENANT}`);
      assert.deepEqual(config.services.knownAuthorities, []);
      assert.equal(config.services.graphBaseUrl, 'https://graph.microsoft.com');
      assert.equal(config.services.clientSecret, 's3cret-value');
      assert.equal(config.services.localSsoUrl, undefined, 'never the emulated SSO');
      assert.deepEqual(config.production, {
        appId: APP,
        appType: 'SingleTenant',
        appTenantId: TENANT,
        ssoApplicationIdUri: PROD.SSO_APP_ID_URI,
        oauthConnectionName: 'sso',
        publicBaseUrl: 'https://pimbot.contoso.com',
      });
    });

    it("CLOUD_* points production at other endpoints (the smoke test's stand-ins), https origins only", () => {
      const config = loadConfig({
        ...PROD,
        CLOUD_LOGIN_URL: 'https://localhost:9443',
        CLOUD_GRAPH_URL: 'https://localhost:9443/',
        CLOUD_ARM_URL: 'https://arm.localhost:9444',
        CLOUD_BOT_OPENID_METADATA_URL: 'https://localhost:9443/botframework/v1/.well-known/openidconfiguration',
        CLOUD_BOT_TOKEN_SERVICE_URL: 'https://localhost:9445',
      });
      assert.equal(config.services.authority, `https://localhost:9443/${TENANT}`);
      assert.deepEqual(config.services.knownAuthorities, ['localhost:9443'], 'msal cannot discover a host that is not Entra');
      assert.equal(config.services.graphBaseUrl, 'https://localhost:9443');
      assert.equal(config.services.armBaseUrl, 'https://arm.localhost:9444');
      assert.deepEqual(config.production?.botFrameworkEndpoints, {
        openIdMetadataUrl: 'https://localhost:9443/botframework/v1/.well-known/openidconfiguration',
        oauthUrl: 'https://localhost:9445',
      });
      for (const [name, value] of [
        ['CLOUD_LOGIN_URL', 'http://localhost:9443'],
        ['CLOUD_GRAPH_URL', 'https://graph.example/v1.0'],
        ['CLOUD_BOT_OPENID_METADATA_URL', 'http://x/'],
        ['CLOUD_BOT_TOKEN_SERVICE_URL', 'nope'],
        ['CLOUD_BOT_TOKEN_SERVICE_URL', 'http://token.example'],
      ] as const) {
        refused({ ...PROD, [name]: value }, name);
      }
      assert.equal(
        loadConfig({ ...PROD, CLOUD_BOT_TOKEN_SERVICE_URL: 'http://127.0.0.1:5000' }).production?.botFrameworkEndpoints?.oauthUrl,
        'http://127.0.0.1:5000',
        'a stand-in on loopback',
      );
      refused({ ...LOCAL, CLOUD_GRAPH_URL: 'https://localhost:9443' }, 'CLOUD_GRAPH_URL');
    });

    it('takes the optional settings', () => {
      const other = '99999999-2222-4333-8444-555555555555';
      const config = loadConfig({
        ...PROD,
        MicrosoftAppType: 'MultiTenant',
        ALLOWED_TENANT_IDS: `${TENANT}, ${other.toUpperCase()}`,
        SSO_CONNECTION_NAME: 'teams-sso',
        APPROVERS_CHANNEL_ID: '19:abc123@thread.tacv2',
        ADMIN_GROUP_ID: other,
        TOKEN_CACHE_KEY: Buffer.alloc(32, 1).toString('base64'),
      });
      assert.deepEqual(config.allowedTenantIds, [TENANT, other]);
      assert.equal(config.production?.appType, 'MultiTenant');
      assert.equal(config.production?.oauthConnectionName, 'teams-sso');
      assert.equal(config.production?.approversChannelId, '19:abc123@thread.tacv2');
      assert.equal(config.production?.adminGroupId, other);
      assert.equal(config.production?.tokenCacheKey?.length, 32);
    });

    it('takes a certificate instead of a secret, and checks it against its thumbprint', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'pimbot-cert-'));
      try {
        const { certPem, privateKeyPem } = createAppCertificate('test');
        const cert = appCertificate(certPem);
        writeFileSync(path.join(dir, 'key.pem'), privateKeyPem);
        writeFileSync(path.join(dir, 'cert.pem'), certPem);
        const withCert = {
          ...PROD,
          MicrosoftAppPassword: undefined,
          MicrosoftAppCertificateThumbprint: cert.thumbprint.toUpperCase(),
          MicrosoftAppCertificateKeyFile: path.join(dir, 'key.pem'),
        };
        const config = loadConfig(withCert);
        assert.equal(config.services.clientSecret, undefined);
        assert.deepEqual(config.services.clientCertificate, { thumbprint: cert.thumbprint, privateKey: privateKeyPem });
        const full = loadConfig({
          ...withCert,
          MicrosoftAppCertificateThumbprint: cert.thumbprintSha256,
          MicrosoftAppCertificateFile: path.join(dir, 'cert.pem'),
        });
        assert.deepEqual(full.services.clientCertificate, {
          thumbprintSha256: cert.thumbprintSha256,
          privateKey: privateKeyPem,
          x5c: certPem,
        });
        refused(
          { ...withCert, MicrosoftAppCertificateThumbprint: 'ab'.repeat(20), MicrosoftAppCertificateFile: path.join(dir, 'cert.pem') },
          'MicrosoftAppCertificateThumbprint',
        );
        refused({ ...withCert, MicrosoftAppCertificateKeyFile: path.join(dir, 'missing.pem') }, 'MicrosoftAppCertificateKeyFile');
        refused({ ...withCert, MicrosoftAppCertificateKeyFile: path.join(dir, 'cert.pem') }, 'MicrosoftAppCertificateKeyFile');
        refused({ ...withCert, MicrosoftAppPassword: 's3cret-value' }, 'MicrosoftAppPassword');
        refused({ ...withCert, MicrosoftAppCertificateKeyFile: undefined }, 'MicrosoftAppCertificateKeyFile');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("takes a federated credential (MANAGED_IDENTITY_CLIENT_ID + the host's identity endpoint) instead of a secret: exactly one credential", () => {
      const mi = '3c4d5e6f-0000-4000-8000-0000000000aa';
      const federated = {
        ...PROD,
        MicrosoftAppPassword: undefined,
        MANAGED_IDENTITY_CLIENT_ID: mi.toUpperCase(),
        IDENTITY_ENDPOINT: 'http://localhost:42356/msi/token',
        IDENTITY_HEADER: 'host-header-value',
      };
      const config = loadConfig(federated);
      assert.equal(config.services.clientSecret, undefined);
      assert.equal(config.services.clientCertificate, undefined);
      assert.deepEqual(config.services.managedIdentity, {
        clientId: mi,
        endpoint: 'http://localhost:42356/msi/token',
        header: 'host-header-value',
      });
      refused({ ...federated, MicrosoftAppPassword: 's3cret-value' }, 'MANAGED_IDENTITY_CLIENT_ID');
      refused({ ...federated, MicrosoftAppCertificateThumbprint: 'ab'.repeat(20) }, 'MANAGED_IDENTITY_CLIENT_ID');
      refused({ ...federated, MANAGED_IDENTITY_CLIENT_ID: 'my-identity' }, 'MANAGED_IDENTITY_CLIENT_ID');
      refused({ ...federated, IDENTITY_ENDPOINT: undefined }, 'IDENTITY_ENDPOINT');
      refused({ ...federated, IDENTITY_ENDPOINT: 'file:///etc/passwd' }, 'IDENTITY_ENDPOINT');
      refused({ ...federated, IDENTITY_HEADER: undefined }, 'IDENTITY_HEADER');
      refused({ ...federated, MANAGED_IDENTITY_CLIENT_ID: undefined }, 'MicrosoftAppPassword');
    });

    for (const name of ['MicrosoftAppTenantId', 'MicrosoftAppPassword', 'SSO_APP_ID_URI', 'STORAGE_CONNECTION_STRING', 'PUBLIC_BASE_URL']) {
      it(`refuses to start without ${name}`, () => refused({ ...PROD, [name]: undefined }, name));
    }

    const invalid: Array<[string, string]> = [
      ['MicrosoftAppId', 'my-bot'],
      ['MicrosoftAppTenantId', 'contoso.onmicrosoft.com'],
      ['MicrosoftAppType', 'UserAssignedMSI'],
      ['MicrosoftAppType', 'Anything'],
      ['ALLOWED_TENANT_IDS', 'contoso'],
      ['ALLOWED_TENANT_IDS', '99999999-2222-4333-8444-555555555555'],
      ['SSO_APP_ID_URI', 'api://botid-00000000-0000-4000-8000-000000000000'],
      ['SSO_APP_ID_URI', 'https://pimbot.contoso.com'],
      ['APPROVERS_CHANNEL_ID', 'general'],
      ['ADMIN_GROUP_ID', 'PIM Admins'],
      ['TOKEN_CACHE_KEY', 'short'],
      ['STORAGE_CONTAINER', 'Bad_Name'],
      ['PUBLIC_BASE_URL', 'http://pimbot.contoso.com'],
      ['PUBLIC_BASE_URL', 'pimbot.contoso.com'],
      ['PUBLIC_BASE_URL', 'https://pimbot.contoso.com/?x=1'],
    ];
    for (const [name, value] of invalid) {
      it(`refuses ${name}="${value}" and names the setting`, () => refused({ ...PROD, [name]: value }, name));
    }

    it('a SingleTenant bot cannot serve other tenants', () =>
      refused({ ...PROD, ALLOWED_TENANT_IDS: `${TENANT},99999999-2222-4333-8444-555555555555` }, 'ALLOWED_TENANT_IDS'));

    for (const name of ['LOCAL_TENANT_URL', 'LOCAL_CLIENT_SECRET', 'LOCAL_DATA_DIR']) {
      it(`refuses production while the local setting ${name} is present`, () => refused({ ...PROD, [name]: 'x' }, name));
    }
  });

  describe('.env', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pimbot-env-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads .env, and the environment wins over it', () => {
      const file = path.join(dir, '.env');
      writeFileSync(
        file,
        [
          '# comment',
          '',
          'export PORT=4000',
          'LOCAL_CLIENT_ID = "quoted value" # trailing comment',
          "LOCAL_CLIENT_SECRET='single # not a comment'",
          'STORAGE_CONTAINER=from-file',
          'MULTI="a\\nb"',
        ].join('\n'),
      );
      const env = readEnvironment({ STORAGE_CONTAINER: 'from-env' }, file);
      assert.equal(env.PORT, '4000');
      assert.equal(env.LOCAL_CLIENT_ID, 'quoted value');
      assert.equal(env.LOCAL_CLIENT_SECRET, 'single # not a comment');
      assert.equal(env.STORAGE_CONTAINER, 'from-env');
      assert.equal(env.MULTI, 'a\nb');
      assert.deepEqual(readEnvironment({ A: 'b' }, path.join(dir, 'missing.env')), { A: 'b' });
    });

    it('a production setting in .env keeps local mode from starting', () => {
      const file = path.join(dir, '.env');
      writeFileSync(file, 'MicrosoftAppPassword=s3cret-value\n');
      refused(readEnvironment({ ...LOCAL }, file), 'MicrosoftAppPassword');
    });

    it('a malformed .env names the line, never the value', () => {
      const file = path.join(dir, '.env');
      writeFileSync(file, 'GOOD=1\nthis line has s3cret-value and no equals sign\n');
      assert.throws(
        () => readEnvironment({}, file),
        (e: unknown) => e instanceof ConfigError && e.setting === '.env' && /line 2/.test(e.message) && !/s3cret/.test(e.message),
      );
      writeFileSync(file, 'A="unterminated s3cret-value\n');
      assert.throws(
        () => readEnvironment({}, file),
        (e: unknown) => e instanceof ConfigError && /line 1: unterminated/.test(e.message) && !/s3cret/.test(e.message),
      );
    });
  });
});

describe('.env.example', () => {
  it('documents every setting bot/config.ts reads', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const source = readFileSync(path.join(root, 'bot', 'config.ts'), 'utf8');
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const read = new Set([...source.matchAll(/\(env, '([A-Za-z_]+)'/g)].map((m) => m[1]!));
    for (const name of ['MicrosoftAppPassword', 'MicrosoftAppCertificateThumbprint', 'MicrosoftAppCertificateKeyFile', 'MicrosoftAppType'])
      read.add(name);
    assert.ok(read.size > 15, `found ${read.size} settings`);
    for (const name of read) assert.match(example, new RegExp(`^# ${name}=`, 'm'), `${name} is missing from .env.example`);
  });
});
