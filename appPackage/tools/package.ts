// `npm run package`: fills the manifest's ${{PLACEHOLDERS}} from the environment and .env (the same
// reader as the bot), validates it against Microsoft's published schema, checks the icons and writes
// appPackage/build/<name>.zip ready for Teams admin center / Developer Portal upload.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, readEnvironment } from '../../bot/config';
import { loadPackageSettings, type PackageSettings } from './packageSettings';
import { validateManifest } from './manifestSchema';
import { decodePng, type RgbaImage } from './png';
import { writeZip } from './zip';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '..');
export { SCHEMA_FILE, validateManifest, MANIFEST_VERSION } from './manifestSchema';

/** Replaces every ${{NAME}}; a placeholder without a value is an error, never left in the package. */
export function fillManifest(template: string, settings: PackageSettings): unknown {
  const values = settings as unknown as Record<string, string>;
  const filled = template.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest.json uses \${{${name}}} but no setting provides it`);
    // Values are inserted into JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(filled) as unknown;
}

/** Teams: color 192x192; outline 32x32, white on fully transparent. Returns the problems found. */
export function checkIcons(color: RgbaImage, outline: RgbaImage): string[] {
  const problems: string[] = [];
  if (color.width !== 192 || color.height !== 192) problems.push(`color.png must be 192x192, is ${color.width}x${color.height}`);
  if (outline.width !== 32 || outline.height !== 32) problems.push(`outline.png must be 32x32, is ${outline.width}x${outline.height}`);
  if (outline.colorType !== 6) problems.push('outline.png must have an alpha channel');
  let transparent = 0;
  let opaque = 0;
  for (let i = 0; i < outline.pixels.length; i += 4) {
    const [r, g, b, a] = [outline.pixels[i]!, outline.pixels[i + 1]!, outline.pixels[i + 2]!, outline.pixels[i + 3]!];
    if (a === 0) transparent++;
    else if (r !== 255 || g !== 255 || b !== 255) {
      problems.push('outline.png may only use white (with transparency)');
      break;
    } else if (a === 255) opaque++;
  }
  if (transparent < outline.pixels.length / 4 / 4) problems.push('outline.png must have a transparent background');
  if (opaque === 0) problems.push('outline.png has no visible glyph');
  const corner = color.pixels.subarray(0, 4);
  if (corner[3] !== 255) problems.push('color.png should be opaque (full-bleed background)');
  return problems;
}

export function buildPackage(settings: PackageSettings): { zip: Buffer; manifest: unknown } {
  const manifest = fillManifest(readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8'), settings);
  const errors = validateManifest(manifest);
  if (errors.length > 0)
    throw new Error(`manifest.json does not match the schema:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  const colorFile = readFileSync(path.join(APP_PACKAGE_DIR, 'color.png'));
  const outlineFile = readFileSync(path.join(APP_PACKAGE_DIR, 'outline.png'));
  const problems = checkIcons(decodePng(colorFile), decodePng(outlineFile));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const zip = writeZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: 'color.png', data: colorFile },
    { name: 'outline.png', data: outlineFile },
  ]);
  return { zip, manifest };
}

if (require.main === module) {
  try {
    const version = (JSON.parse(readFileSync(path.resolve(APP_PACKAGE_DIR, '..', 'package.json'), 'utf8')) as { version: string }).version;
    const settings = loadPackageSettings(readEnvironment(), version);
    const { zip } = buildPackage(settings);
    const out = path.join(APP_PACKAGE_DIR, 'build', 'pim-assistant.zip');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, zip);
    process.stdout.write(
      `wrote ${path.relative(process.cwd(), out)} (${zip.length} bytes, app ${settings.TEAMS_APP_ID}, version ${settings.APP_VERSION})\n`,
    );
  } catch (error) {
    const message = error instanceof ConfigError ? `setting ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`Could not build the app package: ${message}\n`);
    process.exit(1);
  }
}
