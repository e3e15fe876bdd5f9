// A small recursive-descent parser for the $filter subset Graph's PIM endpoints use:
// eq ne gt ge lt le, and or not, in (...), parentheses, string/number/guid/datetime/true/false/null
// literals, property paths with '/', and startswith(). Anything else is a 400, never ignored.
import { badRequest } from '../graph/errors';
import { tokenize, type Token } from './lexer';

export type Literal = string | number | boolean | null;
export type LiteralKind = 'string' | 'number' | 'boolean' | 'null' | 'guid' | 'datetime';

export type Operand = { kind: 'property'; path: string[] } | { kind: 'literal'; value: Literal; type: LiteralKind };

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'compare'; op: ComparisonOp; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Operand[] }
  | { kind: 'call'; name: 'startswith'; args: Operand[] }
  | { kind: 'operand'; operand: Operand };

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set<string>(['startswith']);
// Deep nesting only serves to exhaust the stack.
const MAX_DEPTH = 32;

export function parseFilter(text: string): FilterExpr {
  if (text.trim() === '') throw badRequest('The $filter query option must not be empty.');
  const p = new Parser(tokenize(text), text);
  const expr = p.parseOr(0);
  p.expectEnd();
  return expr;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.value.toLowerCase() === word;
  }

  private fail(t: Token, what: string): never {
    throw badRequest(`Syntax error at position ${t.pos} in '${this.text}': ${what}.`);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected '${describe(t)}'`);
  }

  parseOr(depth: number): FilterExpr {
    let left = this.parseAnd(depth);
    while (this.isKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(depth) };
    }
    return left;
  }

  private parseAnd(depth: number): FilterExpr {
    let left = this.parseNot(depth);
    while (this.isKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot(depth) };
    }
    return left;
  }

  private parseNot(depth: number): FilterExpr {
    if (this.isKeyword('not')) {
      this.next();
      return { kind: 'not', expr: this.parseNot(depth + 1) };
    }
    return this.parseComparison(depth);
  }

  private parseComparison(depth: number): FilterExpr {
    if (depth > MAX_DEPTH) this.fail(this.peek(), 'expression nested too deeply');
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      const inner = this.parseOr(depth + 1);
      const close = this.next();
      if (close.kind !== ')') this.fail(close, "')' expected");
      return inner;
    }
    if (t.kind === 'ident' && this.tokens[this.i + 1]?.kind === '(' && !isLiteralWord(t.value)) {
      return this.parseCall();
    }
    const left = this.parseOperand();
    const op = this.peek();
    if (op.kind === 'ident' && COMPARISONS.has(op.value.toLowerCase())) {
      this.next();
      return { kind: 'compare', op: op.value.toLowerCase() as ComparisonOp, left, right: this.parseOperand() };
    }
    if (op.kind === 'ident' && op.value.toLowerCase() === 'in') {
      this.next();
      const open = this.next();
      if (open.kind !== '(') this.fail(open, "'(' expected after 'in'");
      const values: Operand[] = [this.parseOperand()];
      while (this.peek().kind === ',') {
        this.next();
        values.push(this.parseOperand());
      }
      const close = this.next();
      if (close.kind !== ')') this.fail(close, "')' expected");
      return { kind: 'in', left, values };
    }
    if (op.kind === 'ident' && !['and', 'or'].includes(op.value.toLowerCase())) {
      this.fail(op, `unknown operator '${op.value}'`);
    }
    return { kind: 'operand', operand: left };
  }

  private parseCall(): FilterExpr {
    const name = this.next() as Extract<Token, { kind: 'ident' }>;
    const fn = name.value.toLowerCase();
    if (!FUNCTIONS.has(fn)) {
      throw badRequest(
        `An unknown function with name '${name.value}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
      );
    }
    this.next();
    const args: Operand[] = [];
    if (this.peek().kind !== ')') {
      args.push(this.parseOperand());
      while (this.peek().kind === ',') {
        this.next();
        args.push(this.parseOperand());
      }
    }
    const close = this.next();
    if (close.kind !== ')') this.fail(close, "')' expected");
    if (args.length !== 2) throw badRequest(`The function '${name.value}' requires two arguments.`);
    return { kind: 'call', name: 'startswith', args };
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'literal', value: t.value, type: 'string' };
      case 'number':
        return { kind: 'literal', value: t.value, type: 'number' };
      case 'guid':
        return { kind: 'literal', value: t.value, type: 'guid' };
      case 'datetime':
        return { kind: 'literal', value: t.value, type: 'datetime' };
      case 'ident': {
        const word = t.value.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', type: 'boolean' };
        if (word === 'null') return { kind: 'literal', value: null, type: 'null' };
        if (['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in'].includes(word))
          this.fail(t, `operand expected but found '${t.value}'`);
        const path = [t.value];
        while (this.peek().kind === '/') {
          this.next();
          const seg = this.next();
          if (seg.kind !== 'ident') this.fail(seg, 'property name expected after /');
          path.push(seg.value);
        }
        if (this.peek().kind === '(') {
          throw badRequest(
            `An unknown function with name '${path.join('/')}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
          );
        }
        return { kind: 'property', path };
      }
      default:
        return this.fail(t, `operand expected but found '${describe(t)}'`);
    }
  }
}

function isLiteralWord(w: string): boolean {
  return ['true', 'false', 'null'].includes(w.toLowerCase());
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `'${t.value}'`;
    case 'number':
      return t.raw;
    case 'guid':
    case 'datetime':
    case 'ident':
      return t.value;
    default:
      return t.kind;
  }
}
