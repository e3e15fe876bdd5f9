// Compares JSON shapes, not values: the emulator must answer with the fields and JSON types of
// Microsoft's example responses.
import assert from 'node:assert/strict';

export interface ShapeOptions {
  /** Accept fields the example does not show (for examples Microsoft abbreviated, e.g. tutorials). */
  allowExtraFields?: boolean;
  /**
   * Field names where the actual value may also be null although the example shows a value
   * (e.g. endDateTime of a permanent schedule, which Graph writes as null).
   */
  nullableFields?: readonly string[];
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/**
 * Asserts actual has the same fields with the same JSON types as expected. null in the example accepts any
 * type; arrays are compared item by item against the example's items (an empty example array accepts any items).
 */
export function assertSameShape(expected: unknown, actual: unknown, path = '$', options: ShapeOptions = {}): void {
  const problems: string[] = [];
  collect(expected, actual, path, options, problems);
  if (problems.length > 0) assert.fail(`Shape differs from Microsoft's example:\n  ${problems.slice(0, 30).join('\n  ')}`);
}

function collect(expected: unknown, actual: unknown, path: string, options: ShapeOptions, problems: string[]): void {
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te === 'null') return;
  const field = path.slice(path.lastIndexOf('.') + 1);
  if (ta === 'null' && options.nullableFields?.includes(field)) return;
  if (te !== ta) {
    problems.push(`${path}: expected ${te}, got ${ta}`);
    return;
  }
  if (te === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0 || a.length === 0) return;
    // Each actual item must match some example item's shape (examples may mix item types, e.g. rule kinds).
    a.forEach((item, i) => {
      const attempts = e.map((ex) => {
        const p: string[] = [];
        collect(ex, item, `${path}[${i}]`, options, p);
        return p;
      });
      const best = attempts.reduce((x, y) => (y.length < x.length ? y : x));
      problems.push(...best);
    });
    return;
  }
  if (te === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(k in a)) problems.push(`${path}.${k}: missing`);
      else collect(e[k], a[k], `${path}.${k}`, options, problems);
    }
    if (!options.allowExtraFields) for (const k of Object.keys(a)) if (!(k in e)) problems.push(`${path}.${k}: not in Microsoft's example`);
  }
}

export interface ExamplePair {
  /** e.g. 'roleAssignmentScheduleRequests.create.selfActivate' */
  readonly op: string;
  readonly request: { method: string; url: string; body: unknown };
  /** null = no body (204/202). */
  readonly response: unknown;
}

/** Microsoft's example pairs of one folder of ../shared/contracts (beside the repository). */
export function loadExamplePairs(folder: string): ExamplePair[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const dir = path.resolve(__dirname, '..', '..', '..', 'shared', 'contracts', folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.request.json'))
    .sort()
    .map((f) => {
      const op = f.slice(0, -'.request.json'.length);
      const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as unknown;
      return { op, request: read(f) as ExamplePair['request'], response: read(`${op}.response.json`) };
    });
}
