// The house rules a reader relies on when changing a layer: services use no Bot Framework types (the
// store has its own key-value port), and the bot's config neither reaches into the emulator nor
// carries the Teams package's settings.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Module specifiers of every import/export-from/require in a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('layer boundaries', () => {
  it('no file under services/ imports a Bot Framework package', () => {
    const offenders = sourceFiles('services').flatMap((f) =>
      importsOf(f)
        .filter((m) => /^botbuilder/.test(m))
        .map((m) => `${f} → ${m}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('product code imports no emulator code', () => {
    const offenders = ['bot', 'dialogs', 'cards', 'services'].flatMap(sourceFiles).flatMap((f) =>
      importsOf(f)
        .filter((m) => /(^|\/)emulator(\/|$)/.test(m))
        .map((m) => `${f} → ${m}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('bot/config reads no Teams package settings (appPackage/tools does)', () => {
    const config = 'bot/config.ts';
    assert.doesNotMatch(
      readFileSync(path.join(ROOT, config), 'utf8'),
      /DEVELOPER_(NAME|WEBSITE_URL|PRIVACY_URL|TERMS_URL)|APP_VERSION|BOT_DOMAIN/,
    );
  });
});
