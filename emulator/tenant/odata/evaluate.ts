// Type-checks a parsed $filter against an entity's declared properties, then evaluates it on Graph JSON.
import { badRequest } from '../graph/errors';
import type { FilterExpr, Literal, LiteralKind, Operand } from './filter';

export type PropType = 'string' | 'boolean' | 'number' | 'datetime' | 'enum';

/** Filterable properties by canonical path ('a/b' for nested), with their types. */
export type PropertySchema = Readonly<Record<string, PropType>>;

const EDM: Record<PropType | LiteralKind, string> = {
  string: 'Edm.String',
  boolean: 'Edm.Boolean',
  number: 'Edm.Int32',
  datetime: 'Edm.DateTimeOffset',
  enum: 'Edm.String',
  null: 'null',
  guid: 'Edm.Guid',
};

/** Resolves a path to its canonical spelling (Graph accepts any casing) or throws Graph's unknown-property error. */
export function resolveProperty(schema: PropertySchema, typeName: string, path: readonly string[]): string {
  const wanted = path.join('/').toLowerCase();
  const found = Object.keys(schema).find((k) => k.toLowerCase() === wanted);
  if (!found) throw badRequest(`Could not find a property named '${path[path.length - 1]}' on type 'microsoft.graph.${typeName}'.`);
  return found;
}

/** Throws 400 for unknown properties, type mismatches and comparisons that are not property-vs-literal. */
export function validateFilter(expr: FilterExpr, schema: PropertySchema, typeName: string): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      validateFilter(expr.left, schema, typeName);
      validateFilter(expr.right, schema, typeName);
      return;
    case 'not':
      validateFilter(expr.expr, schema, typeName);
      return;
    case 'operand': {
      const t = operandType(expr.operand, schema, typeName);
      if (expr.operand.kind !== 'property' || t !== 'boolean') throw badRequest('The $filter expression must evaluate to a boolean value.');
      return;
    }
    case 'compare':
      checkPair(expr.left, expr.right, expr.op, schema, typeName);
      return;
    case 'in':
      if (expr.left.kind !== 'property') throw badRequest("The left operand of 'in' must be a property.");
      for (const v of expr.values) {
        if (v.kind !== 'literal') throw badRequest("The values of 'in' must be literals.");
        checkPair(expr.left, v, 'in', schema, typeName);
      }
      return;
    case 'call': {
      const [a, b] = expr.args;
      if (a?.kind !== 'property' || b?.kind !== 'literal' || b.type !== 'string')
        throw badRequest(`startswith expects a property and a string literal.`);
      const t = operandType(a, schema, typeName);
      if (t !== 'string' && t !== 'enum') throw badRequest('startswith applies to string properties only.');
      return;
    }
  }
}

function checkPair(left: Operand, right: Operand, op: string, schema: PropertySchema, typeName: string): void {
  // Only property-vs-literal comparisons: this is what the API supports, and it makes tautologies such as
  // "1 eq 1" (an injection classic) a 400 rather than a full list.
  const [prop, lit] = left.kind === 'property' ? [left, right] : [right, left];
  if (prop.kind !== 'property' || lit.kind !== 'literal')
    throw badRequest('Only comparisons between a property and a literal value are supported.');
  const pType = operandType(prop, schema, typeName);
  if (!compatible(pType, lit.type)) {
    throw badRequest(
      `A binary operator with incompatible types was detected. Found operand types '${EDM[pType]}' and '${EDM[lit.type]}' for operator kind '${op}'.`,
    );
  }
  if (op !== 'eq' && op !== 'ne' && op !== 'in' && (pType === 'boolean' || lit.type === 'null')) {
    throw badRequest(`The operator '${op}' is not supported for ${EDM[pType]} values.`);
  }
}

function operandType(o: Operand, schema: PropertySchema, typeName: string): PropType | LiteralKind {
  if (o.kind === 'literal') return o.type;
  return schema[resolveProperty(schema, typeName, o.path)]!;
}

function compatible(p: PropType | LiteralKind, l: LiteralKind): boolean {
  if (l === 'null') return true;
  switch (p) {
    case 'string':
    case 'enum':
      return l === 'string' || l === 'guid';
    case 'boolean':
      return l === 'boolean';
    case 'number':
      return l === 'number';
    case 'datetime':
      return l === 'datetime';
    default:
      return false;
  }
}

export function evaluateFilter(expr: FilterExpr, entity: Record<string, unknown>, schema: PropertySchema, typeName: string): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateFilter(expr.left, entity, schema, typeName) && evaluateFilter(expr.right, entity, schema, typeName);
    case 'or':
      return evaluateFilter(expr.left, entity, schema, typeName) || evaluateFilter(expr.right, entity, schema, typeName);
    case 'not':
      return !evaluateFilter(expr.expr, entity, schema, typeName);
    case 'operand':
      return value(expr.operand, entity, schema, typeName) === true;
    case 'compare': {
      const l = value(expr.left, entity, schema, typeName);
      const r = value(expr.right, entity, schema, typeName);
      const c = compare(l, r);
      switch (expr.op) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'gt':
          return c !== null && c !== 0 && c > 0;
        case 'ge':
          return c !== null && c >= 0;
        case 'lt':
          return c !== null && c < 0;
        case 'le':
          return c !== null && c <= 0;
      }
      return false;
    }
    case 'in': {
      const l = value(expr.left, entity, schema, typeName);
      return expr.values.some((v) => compare(l, value(v, entity, schema, typeName)) === 0);
    }
    case 'call': {
      const s = value(expr.args[0]!, entity, schema, typeName);
      const prefix = value(expr.args[1]!, entity, schema, typeName);
      return typeof s === 'string' && typeof prefix === 'string' && s.toLowerCase().startsWith(prefix.toLowerCase());
    }
  }
}

function value(o: Operand, entity: Record<string, unknown>, schema: PropertySchema, typeName: string): Literal {
  if (o.kind === 'literal') return o.value;
  let cur: unknown = entity;
  for (const seg of resolveProperty(schema, typeName, o.path).split('/')) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  return cur === undefined ? null : (cur as Literal);
}

// Graph compares ids, enums and names case-insensitively; dates by instant. null = incomparable.
function compare(a: Literal, b: Literal): number | null {
  if (a === null || b === null) return a === b ? 0 : null;
  if (typeof a === 'string' && typeof b === 'string') {
    const da = Date.parse(a);
    const db = Date.parse(b);
    if (/^\d{4}-\d{2}-\d{2}T/.test(a) && /^\d{4}-\d{2}-\d{2}T/.test(b) && !Number.isNaN(da) && !Number.isNaN(db)) return Math.sign(da - db);
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : null;
  return null;
}

/**
 * The property = literal pairs that every match must satisfy (the top-level 'and' chain), used for
 * "this filter is required" checks such as scopeId + scopeType on policy assignments.
 */
export function requiredEqualities(expr: FilterExpr | undefined, schema: PropertySchema, typeName: string): Map<string, Literal> {
  const out = new Map<string, Literal>();
  const walk = (e: FilterExpr) => {
    if (e.kind === 'and') {
      walk(e.left);
      walk(e.right);
    } else if (e.kind === 'compare' && e.op === 'eq') {
      const [p, l] = e.left.kind === 'property' ? [e.left, e.right] : [e.right, e.left];
      if (p.kind === 'property' && l.kind === 'literal') out.set(resolveProperty(schema, typeName, p.path), l.value);
    }
  };
  if (expr) walk(expr);
  return out;
}
