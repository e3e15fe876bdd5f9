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
    const lead = /^["'(\[]+/.exec(text)?.[0].length ?? 0;
    const trail = /["')\].!?:]+$/.exec(text.slice(lead))?.[0].length ?? 0;
    text = text.slice(lead, text.length - trail);
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
