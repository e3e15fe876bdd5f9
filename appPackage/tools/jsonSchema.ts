// A JSON Schema (draft-04) validator for the keywords Microsoft's Teams manifest schema uses:
// type, properties, additionalProperties, required, items, min/maxItems, uniqueItems, enum, const,
// min/maxLength, pattern, format (uri, email), $ref to local definitions, anyOf, oneOf, allOf, not,
// min/maxProperties, minimum, maximum, dependencies. An unknown keyword is an error, not a pass.

export type Schema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

const ANNOTATIONS = new Set(['$schema', 'id', '$id', 'title', 'description', 'default', 'examples', 'definitions', 'deprecated', 'builtInTabId', '$comment']);
const KNOWN = new Set([
  'type', 'properties', 'additionalProperties', 'required', 'items', 'minItems', 'maxItems', 'uniqueItems', 'enum', 'const',
  'minLength', 'maxLength', 'pattern', 'format', '$ref', 'anyOf', 'oneOf', 'allOf', 'not', 'minProperties', 'maxProperties',
  'minimum', 'maximum', 'dependencies', 'patternProperties',
]);

export function validateJson(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, value, '$', root, errors);
  return errors;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function check(schema: Schema, value: unknown, path: string, root: Schema, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push({ path, message: 'no value is allowed here' });
    return;
  }
  const s = schema as Record<string, unknown>;
  const fail = (message: string) => errors.push({ path, message });
  for (const keyword of Object.keys(s)) {
    if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`unsupported schema keyword "${keyword}" at ${path}`);
  }
  if (typeof s.$ref === 'string') {
    check(resolve(root, s.$ref), value, path, root, errors);
    return; // draft-04: siblings of $ref are ignored
  }
  const actual = typeOf(value);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
      fail(`must be ${types.join(' or ')}, got ${actual}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, value))) fail(`must be one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && !equal(s.const, value)) fail(`must be ${JSON.stringify(s.const)}`);

  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.maxLength === 'number' && length > s.maxLength) fail(`must be at most ${s.maxLength} characters`);
    if (typeof s.minLength === 'number' && length < s.minLength) fail(`must be at least ${s.minLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) fail(`must match ${s.pattern}`);
    if (s.format === 'uri' && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) fail('must be a URI');
    if (s.format === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) fail('must be an email address');
  }
  if (typeof value === 'number') {
    if (typeof s.maximum === 'number' && value > s.maximum) fail(`must be at most ${s.maximum}`);
    if (typeof s.minimum === 'number' && value < s.minimum) fail(`must be at least ${s.minimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`must have at least ${s.minItems} items`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('items must be unique');
    if (Array.isArray(s.items)) (s.items as Schema[]).forEach((item, i) => i < value.length && check(item, value[i], `${path}[${i}]`, root, errors));
    else if (s.items !== undefined) value.forEach((v, i) => check(s.items as Schema, v, `${path}[${i}]`, root, errors));
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, Schema>).map(([p, sc]) => [new RegExp(p, 'u'), sc] as const);
    if (Array.isArray(s.required)) for (const name of s.required as string[]) if (!(name in obj)) fail(`must have the property "${name}"`);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) fail(`must have at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) fail(`must have at most ${s.maxProperties} properties`);
    for (const key of keys) {
      const matched = patterns.filter(([re]) => re.test(key));
      if (key in properties) check(properties[key]!, obj[key], `${path}.${key}`, root, errors);
      for (const [, sc] of matched) check(sc, obj[key], `${path}.${key}`, root, errors);
      if (!(key in properties) && matched.length === 0 && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) errors.push({ path: `${path}.${key}`, message: 'is not an allowed property' });
        else check(s.additionalProperties as Schema, obj[key], `${path}.${key}`, root, errors);
      }
    }
    if (s.dependencies && typeof s.dependencies === 'object') {
      for (const [name, dep] of Object.entries(s.dependencies as Record<string, unknown>)) {
        if (!(name in obj)) continue;
        if (Array.isArray(dep)) {
          for (const needed of dep as string[]) if (!(needed in obj)) fail(`"${name}" requires "${needed}"`);
        } else {
          check(dep as Schema, value, path, root, errors);
        }
      }
    }
  }
  const branch = (sub: Schema) => {
    const found: SchemaError[] = [];
    check(sub, value, path, root, found);
    return found.length === 0;
  };
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, value, path, root, errors);
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(branch)) fail('must match at least one of anyOf');
  if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter(branch).length !== 1) fail('must match exactly one of oneOf');
  if (s.not !== undefined && branch(s.not as Schema)) fail('must not match the "not" schema');
}
