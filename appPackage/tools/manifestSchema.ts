// The Teams app manifest checked with ajv against Microsoft's published schema, as the npm package
// @microsoft/app-manifest ships it (the Microsoft 365 Agents Toolkit's own copy of
// https://developer.microsoft.com/json-schemas/teams/v<version>/MicrosoftTeams.schema.json; MIT).
// Moving to a newer manifest version: change MANIFEST_VERSION, `manifestVersion` and `$schema` in
// manifest.json, and run `npm test`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';

export const MANIFEST_VERSION = '1.25';

export const SCHEMA_FILE = path.join(
  path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build',
  'json-schemas',
  'teams',
  `v${MANIFEST_VERSION}`,
  'MicrosoftTeams.schema.json',
);

export interface SchemaError {
  /** Where in the manifest, like $.bots[0].botId. */
  readonly path: string;
  readonly message: string;
}

let compiled: ReturnType<Ajv04['compile']> | undefined;

function validator(): ReturnType<Ajv04['compile']> {
  if (compiled) return compiled;
  // The schema is draft-04 with Microsoft's own annotation keywords; strict mode would refuse those.
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  return compiled;
}

export function validateManifest(manifest: unknown): SchemaError[] {
  const validate = validator();
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): SchemaError {
  const at = jsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { path: at, message: `must have the property "${String(params['missingProperty'])}"` };
  if (error.keyword === 'additionalProperties')
    return { path: `${at}.${String(params['additionalProperty'])}`, message: 'is not an allowed property' };
  return { path: at, message: error.message ?? error.keyword };
}

/** ajv's JSON pointer (/bots/0/botId) as $.bots[0].botId. */
function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return `$${pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')}`;
}
