// Splits a sentence into words and separators, keeping each word's original spelling (a ticket
// number or a justification must come back exactly as typed) next to a lower-case form to match on.

export interface Token {
  /** As typed. */
  readonly text: string;
  /** Lower case, for matching. */
  readonly word: string;
  /** ',' ';' or '' for a word. */
  readonly separator: string;
  /** Offset in the sentence, so a span can be cut out of the original text. */
  readonly start: number;
  readonly end: number;
}

// A word keeps inner punctuation (rg-web, INC-42, 17:30, 1.5, on-call); trailing punctuation splits off.
const TOKEN = /([,;])|([^\s,;]+)/g;

const LEADING_PUNCTUATION = /^["'([]$/;
const TRAILING_PUNCTUATION = /^["')\].!?:]$/;

export function tokenize(sentence: string): Token[] {
  const tokens: Token[] = [];
  for (const match of sentence.matchAll(TOKEN)) {
    const start = match.index ?? 0;
    if (match[1]) {
      tokens.push({ text: match[1], word: match[1], separator: match[1], start, end: start + 1 });
      continue;
    }
    let text = match[2]!;
    // "login." / "INC-42:" / "(urgent)" — keep the word, not the punctuation around it.
    // Trimmed by scanning, not by a `[...]+$` pattern, which retries from every character of a long run.
    const lead = text.length - trimStart(text, LEADING_PUNCTUATION).length;
    text = trimEnd(text.slice(lead), TRAILING_PUNCTUATION);
    if (text === '') continue;
    tokens.push({ text, word: text.toLowerCase(), separator: '', start: start + lead, end: start + lead + text.length });
  }
  return tokens;
}

/** The original text from token i to token j (exclusive), spacing as typed. */
export function spanText(sentence: string, tokens: readonly Token[], i: number, j: number): string {
  if (j <= i) return '';
  return sentence.slice(tokens[i]!.start, tokens[j - 1]!.end).trim();
}

/** `text` without the characters `junk` matches (one character at a time) at its start; linear. */
export function trimStart(text: string, junk: RegExp): string {
  let from = 0;
  while (from < text.length && junk.test(text[from]!)) from++;
  return text.slice(from);
}

/** `text` without the characters `junk` matches (one character at a time) at its end; linear. */
export function trimEnd(text: string, junk: RegExp): string {
  let to = text.length;
  while (to > 0 && junk.test(text[to - 1]!)) to--;
  return text.slice(0, to);
}
