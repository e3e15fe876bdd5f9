// Tokens of an OData $filter expression. Positions are kept so errors point at the offending character,
// as OData's own messages do.
import { badRequest } from '../graph/errors';

export type Token =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; raw: string; pos: number }
  | { kind: 'guid'; value: string; pos: number }
  | { kind: 'datetime'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: '(' | ')' | ',' | '/'; pos: number }
  | { kind: 'eof'; pos: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z_-])/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})(?![0-9A-Za-z_])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![0-9A-Za-z_])/;
const IDENT = /^[A-Za-z_@$][A-Za-z0-9_.@]*/;
// Generous but bounded: a filter is a handful of comparisons, not a program.
export const MAX_FILTER_LENGTH = 4096;

export function tokenize(text: string): Token[] {
  if (text.length > MAX_FILTER_LENGTH) throw badRequest(`The $filter expression is longer than ${MAX_FILTER_LENGTH} characters.`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/') {
      tokens.push({ kind: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest(`There is an unterminated string literal at position ${start} in '${text}'.`);
        const ch = text[i]!;
        if (ch === "'") {
          // '' is an escaped quote inside a string literal.
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', value, pos: start });
      continue;
    }
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = GUID.exec(rest))) {
      tokens.push({ kind: 'guid', value: m[0].toLowerCase(), pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = DATETIME.exec(rest))) {
      if (Number.isNaN(Date.parse(m[0]))) throw badRequest(`The DateTimeOffset literal '${m[0]}' at position ${i} is not valid.`);
      tokens.push({ kind: 'datetime', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = NUMBER.exec(rest))) {
      tokens.push({ kind: 'number', value: Number(m[0]), raw: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = IDENT.exec(rest))) {
      tokens.push({ kind: 'ident', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    throw badRequest(`Syntax error: character '${c}' is not valid at position ${i} in '${text}'.`);
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}
