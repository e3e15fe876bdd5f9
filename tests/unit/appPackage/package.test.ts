import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../bot/config';
import { loadPackageSettings } from '../../../appPackage/tools/packageSettings';
import {
  APP_PACKAGE_DIR,
  buildPackage,
  checkIcons,
  fillManifest,
  MANIFEST_VERSION,
  SCHEMA_FILE,
  validateManifest,
} from '../../../appPackage/tools/package';
import { decodePng, encodePng } from '../../../appPackage/tools/png';
import { readZip } from '../../../appPackage/tools/zip';

const APP_ID = '6a1b2c3d-0000-4000-8000-00000000b07a';
const ENV = { MicrosoftAppId: APP_ID, SSO_APP_ID_URI: `api://pimbot.contoso.com/botid-${APP_ID}`, BOT_DOMAIN: 'pimbot.contoso.com' };
const settings = loadPackageSettings(ENV, '1.2.3');
const template = readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');

describe('Teams app package', () => {
  it("the filled manifest passes Microsoft's published schema (v1.25 or later) with ajv", () => {
    const manifest = fillManifest(template, settings) as Record<string, unknown>;
    assert.deepEqual(validateManifest(manifest), []);
    const [major, minor] = String(manifest.manifestVersion).split('.').map(Number);
    assert.ok(major! > 1 || minor! >= 25, `manifestVersion ${String(manifest.manifestVersion)}`);
    assert.equal(manifest.manifestVersion, MANIFEST_VERSION, 'validated against the schema of its own version');
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { properties: { manifestVersion: { enum?: string[] } } };
    assert.ok(
      JSON.stringify(schema.properties.manifestVersion).includes(MANIFEST_VERSION),
      `${SCHEMA_FILE} is the v${MANIFEST_VERSION} schema`,
    );
    assert.match(
      String(manifest.$schema),
      new RegExp(`/v${String(manifest.manifestVersion).replace('.', '\\.')}/MicrosoftTeams\\.schema\\.json$`),
    );
  });

  it("declares the bot for 1:1 chats and teams, with commands, SSO and the bot's domain", () => {
    const m = fillManifest(template, settings) as {
      bots: Array<{ botId: string; scopes: string[]; commandLists: Array<{ scopes: string[]; commands: unknown[] }> }>;
      webApplicationInfo: { id: string; resource: string };
      validDomains: string[];
      version: string;
      id: string;
    };
    assert.equal(m.bots[0]!.botId, APP_ID);
    assert.deepEqual(m.bots[0]!.scopes, ['personal', 'team']);
    assert.ok(m.bots[0]!.commandLists.some((l) => l.scopes.includes('personal') && l.commands.length > 0));
    assert.deepEqual(m.webApplicationInfo, { id: APP_ID, resource: `api://pimbot.contoso.com/botid-${APP_ID}` });
    assert.ok(m.validDomains.includes('pimbot.contoso.com'));
    assert.equal(m.version, '1.2.3');
    assert.equal(m.id, APP_ID);
    assert.doesNotMatch(JSON.stringify(m), /\$\{\{/, 'no placeholder left');
  });

  it('the validator catches what the schema forbids (so a pass means something)', () => {
    const manifest = fillManifest(template, settings) as Record<string, unknown>;
    const broken = {
      ...manifest,
      icons: undefined,
      accentColor: 'blue',
      bots: [{ botId: 'not-a-guid', scopes: ['everywhere'] }],
      surprise: true,
    };
    delete broken.icons;
    const errors = validateManifest(broken).map((e) => `${e.path}: ${e.message}`);
    assert.ok(
      errors.some((e) => /\$: must have the property "icons"/.test(e)),
      errors.join('\n'),
    );
    assert.ok(errors.some((e) => /\$\.accentColor/.test(e)));
    assert.ok(errors.some((e) => /\$\.bots\[0\]\.botId/.test(e)));
    assert.ok(errors.some((e) => /\$\.bots\[0\]\.scopes\[0\]/.test(e)));
    assert.ok(errors.some((e) => /\$\.surprise: is not an allowed property/.test(e)));
  });

  it('refuses to package without the settings it needs, naming them', () => {
    assert.throws(
      () => loadPackageSettings({ ...ENV, BOT_DOMAIN: '' }, '1.0.0'),
      (e: unknown) => e instanceof ConfigError && e.setting === 'BOT_DOMAIN',
    );
    assert.throws(
      () => loadPackageSettings({ ...ENV, BOT_DOMAIN: 'https://pimbot.contoso.com/' }, '1.0.0'),
      (e: unknown) => e instanceof ConfigError && e.setting === 'BOT_DOMAIN',
    );
    assert.throws(
      () => loadPackageSettings({ ...ENV, SSO_APP_ID_URI: 'api://botid-00000000-0000-4000-8000-000000000000' }, '1.0.0'),
      (e: unknown) => e instanceof ConfigError && e.setting === 'SSO_APP_ID_URI',
    );
    assert.throws(() => fillManifest('{"x": "${{NOPE}}"}', settings), /NOPE/);
  });

  it('icons: color 192x192 opaque, outline 32x32 white on transparent', () => {
    const color = decodePng(readFileSync(path.join(APP_PACKAGE_DIR, 'color.png')));
    const outline = decodePng(readFileSync(path.join(APP_PACKAGE_DIR, 'outline.png')));
    assert.equal(color.width, 192);
    assert.equal(color.height, 192);
    assert.equal(outline.width, 32);
    assert.equal(outline.height, 32);
    assert.deepEqual(checkIcons(color, outline), []);
    // The checks fail when the property breaks.
    const opaqueOutline = { ...outline, pixels: outline.pixels.map((v, i) => (i % 4 === 3 ? 255 : v)) };
    assert.ok(checkIcons(color, opaqueOutline).some((p) => /transparent background/.test(p)));
    const blueOutline = { ...outline, pixels: outline.pixels.map((v, i) => (i % 4 === 2 ? 0 : v)) };
    assert.ok(checkIcons(color, blueOutline).some((p) => /only use white/.test(p)));
    assert.ok(checkIcons(outline, outline).some((p) => /192x192/.test(p)));
  });

  it('png round trip', () => {
    const pixels = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) & 0xff);
    const image = decodePng(encodePng({ width: 3, height: 2, pixels }));
    assert.deepEqual([...image.pixels], [...pixels]);
  });

  it('builds a zip with exactly manifest.json, color.png and outline.png, reproducibly', () => {
    const { zip } = buildPackage(settings);
    const entries = readZip(zip);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['manifest.json', 'color.png', 'outline.png'],
    );
    const manifest = JSON.parse(entries[0]!.data.toString('utf8')) as { bots: Array<{ botId: string }> };
    assert.equal(manifest.bots[0]!.botId, APP_ID);
    assert.deepEqual(entries[1]!.data, readFileSync(path.join(APP_PACKAGE_DIR, 'color.png')));
    assert.deepEqual(buildPackage(settings).zip, zip, 'same inputs, same bytes');
  });
});
