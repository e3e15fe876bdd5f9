// The one-sentence request: "activate User Administrator for 2h ticket INC-42 because fixing login".
// A small grammar over tokens (see tokens.ts), not a chain of keyword tests:
//
//   sentence  := verb? part*
//   part      := reason | ticket | duration | until | start | scope | separator | word
//   reason    := ("because" | "reason" | "justification" | "why" | "since") REST
//   ticket    := ("ticket" | "ticket number" | "ticket no") ["#" | ":"] ID  |  ID like INC-42
//   duration  := ["for"] DURATION          (a bare duration must start with a digit: "2h", "90 minutes")
//   until     := ("until" | "till" | "til" | "through") TIME
//   start     := ("at" | "from" | "starting" ["at" | "from"]) TIME  |  DAY-WORD TIME   ("tomorrow 9am")
//   scope     := ("on" | "in") WORDS       (attaches to the target before it)
//   separator := "," | ";" | "and" | "&" | "+"
//
// Words that are none of these make up the targets ("SRE On-Call and Contributor on Contoso Prod").
// A run of words after the targets with no keyword of its own is the justification
// ("..., ticket INC-42, fixing login"). Nothing here knows the user's roles: names are resolved
// against their own eligibilities afterwards (resolve.ts).
import { parseDuration } from './duration';
import { isKeyword } from './fuzzy';
import { MAX_COMMAND_LENGTH } from './limits';
import { parseMoment } from './moment';
import { dateTimeReader } from './recognizer';
import { spanText, tokenize, trimEnd, trimStart, type Token } from './tokens';

export interface TargetSpec {
  /** The role (or group) as said, e.g. "Contributor". */
  readonly role: string;
  /** The scope as said after "on"/"in", e.g. "Contoso Prod". */
  readonly scope?: string;
}

export interface ParsedRequest {
  /** Everything said about what to activate, unsplit ("SRE On-Call and Contributor on Contoso Prod"). */
  readonly targetText: string;
  readonly targets: readonly TargetSpec[];
  readonly durationMinutes?: number;
  /** When the access should start; absent = now. */
  readonly start?: Date;
  /** When it was asked to end ("until 5pm"); durationMinutes is then derived from it. */
  readonly until?: Date;
  readonly ticket?: string;
  readonly justification?: string;
  /** Things said that can't work as said (an end before the start); the dialog tells the user. */
  readonly problems: readonly string[];
}

export interface ParseContext {
  readonly now: Date;
  /** IANA zone of the user, for "until 5pm". */
  readonly timeZone?: string;
}

const VERBS = ['activate', 'enable', 'elevate', 'request'];
const REASON = ['because', 'reason', 'justification', 'why', 'since', 'justify'];
const TICKET = ['ticket', 'tkt', 'incident', 'inc', 'case', 'change', 'issue'];
const UNTIL = ['until', 'till', 'til', 'through', 'thru'];
const START = ['at', 'from', 'starting', 'beginning', 'start'];
const DAY_WORDS = ['today', 'tomorrow', 'tonight', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'next'];
const SCOPE = ['on', 'in'];
const JOINERS = new Set(['and', '&', '+']);
/** Words that carry no meaning at the edges of a name ("activate the reader role please"). */
const FILLER = new Set([
  'please',
  'pls',
  'plz',
  'me',
  'my',
  'the',
  'role',
  'roles',
  'access',
  'now',
  'right',
  'asap',
  'thanks',
  'thx',
  'a',
  'an',
  'i',
  'need',
  'want',
  'to',
  'can',
  'you',
  'it',
  'group',
  'membership',
]);
const TICKET_ID = /^[a-z][a-z0-9]{1,11}-\d{1,12}$/i;
/** What a ticket number looks like after "ticket"/"incident": a digit somewhere, short, no spaces ("7", "#123", "INC0012"). */
const TICKET_NUMBER = /^#?[a-z0-9][a-z0-9-]{0,29}$/i;
/**
 * Words that start a spelled-out duration without a "for" ("global reader half an hour", "ninety
 * minutes"): tried only when a unit word follows within a few words, so ordinary words cost nothing.
 */
const NUMBER_WORDS = new Set([
  'a',
  'an',
  'half',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'fifteen',
  'twenty',
  'thirty',
  'forty',
  'forty-five',
  'fifty',
  'sixty',
  'ninety',
  'couple',
]);
const UNIT_WORDS = new Set(['h', 'hr', 'hrs', 'hour', 'hours', 'min', 'mins', 'minute', 'minutes', 'day', 'days']);
/** What a justification said as a purpose starts with ("to check the audit logs"): not part of the reason. */
const PURPOSE_LEAD = /^(?:to|so\s+i\s+can|in\s+order\s+to)\s+/i;
/** Longest time or duration phrase worth trying ("an hour and a half", "next monday at 9 am"). */
const MAX_PHRASE = 6;
/**
 * Keywords whose phrase is tried ("for", "until", "at", "tomorrow", a number...): a duration, a start
 * and an end, each with a false start, is 6 (the sentences in tests/unit/dialogs try at most 2). Past
 * this a sentence repeating time words is not read further (what it did not say clearly is asked for),
 * so it costs what a sentence with a few phrases does.
 */
const MAX_PHRASE_ATTEMPTS = 6;
/** What a justification does not start or end with (trimmed by scanning, linear in its length). */
const LEADING_JUNK = /^[,;:\s-]$/;
const TRAILING_JUNK = /^[,;\s]$/;

type Piece =
  | { readonly kind: 'words'; readonly from: number; readonly to: number }
  | { readonly kind: 'scope'; readonly from: number; readonly to: number }
  | { readonly kind: 'separator' };

/** Drops the verb ("activate", "actvate", "please activate") and says whether there was one. */
export function splitVerb(sentence: string): { readonly verb: boolean; readonly rest: string } {
  const tokens = tokenize(sentence);
  let i = 0;
  while (i < tokens.length && (tokens[i]!.word === 'please' || tokens[i]!.word === 'pls')) i++;
  const first = tokens[i];
  if (!first || !VERBS.some((v) => isKeyword(first.word, v))) return { verb: false, rest: sentence.trim() };
  return { verb: true, rest: sentence.slice(first.end).trim() };
}

export function parseRequest(sentence: string, context: ParseContext): ParsedRequest {
  // Nothing past the command cap is read (the dialogs never pass a longer sentence).
  if (sentence.length > MAX_COMMAND_LENGTH) return { targetText: '', targets: [], problems: [] };
  const text = splitVerb(sentence).rest;
  const tokens = tokenize(text);
  const pieces: Piece[] = [];
  const problems: string[] = [];
  let durationMinutes: number | undefined;
  let start: Date | undefined;
  let untilText: string | undefined;
  let ticket: string | undefined;
  let justification: string | undefined;
  let namedSomething = false;
  // One meter for the whole sentence: each keyword tries up to MAX_PHRASE windows, and a hostile
  // sentence may repeat its keywords; past the meter a phrase is not read (the dialog then asks).
  const reader = dateTimeReader();
  let attempts = MAX_PHRASE_ATTEMPTS;

  // A time or a duration never runs on into a reason, a ticket or the verb: windows that would are not read.
  const endsPhrase = tokens.map((t) => t.separator === '' && [...REASON, ...TICKET, 'activate'].some((k) => isKeyword(t.word, k)));
  const moment = (from: number, to: number) => parseMoment(spanText(text, tokens, from, to), context.now, context.timeZone, reader);
  /** Longest phrase from `from` that `read` accepts; returns [value, end] or undefined. */
  const longest = <T>(from: number, read: (from: number, to: number) => T | null): [T, number] | undefined => {
    if (attempts === 0) return undefined;
    attempts--;
    for (let to = Math.min(tokens.length, from + MAX_PHRASE); to > from; to--) {
      if (tokens.slice(from, to).some((t, k) => t.separator !== '' || endsPhrase[from + k])) continue;
      const value = read(from, to);
      if (value !== null) return [value, to];
    }
    return undefined;
  };
  const duration = (from: number, to: number) => parseDuration(spanText(text, tokens, from, to), reader);
  /** A unit word within the next three words ("half an hour", "ninety minutes"). */
  const unitFollows = (from: number) => tokens.slice(from + 1, from + 4).some((t) => UNIT_WORDS.has(t.word));

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const word = token.word;
    if (token.separator) {
      pieces.push({ kind: 'separator' });
      i++;
      continue;
    }
    // "for 2h activate global reader": the verb may come late; it is never part of a name.
    if (isKeyword(word, 'activate')) {
      pieces.push({ kind: 'separator' });
      i++;
      continue;
    }
    if (justification === undefined && REASON.some((k) => isKeyword(word, k))) {
      let from = i + 1;
      if (tokens[from]?.word === 'is' || tokens[from]?.separator) from++;
      justification = spanText(text, tokens, from, tokens.length);
      i = tokens.length;
      break;
    }
    if (ticket === undefined && TICKET.some((k) => isKeyword(word, k))) {
      let next = i + 1;
      while (next < tokens.length && ['number', 'no', 'nr', '#', 'id', 'is'].includes(tokens[next]!.word)) next++;
      const id = tokens[next];
      // "incident 7" / "ticket INC-42": the word after must look like a number; "issue with login" is not a ticket.
      if (id && !id.separator && TICKET_NUMBER.test(id.text) && /\d/.test(id.text)) {
        ticket = id.text.replace(/^#/, '');
        i = next + 1;
        continue;
      }
    }
    if (ticket === undefined && TICKET_ID.test(token.text) && /\d/.test(token.text) && !/^rg-/i.test(token.text)) {
      ticket = token.text;
      i++;
      continue;
    }
    if (durationMinutes === undefined && (word === 'for' || word === 'during')) {
      const found = longest(i + 1, duration);
      if (found) {
        durationMinutes = found[0];
        i = found[1];
        continue;
      }
    }
    if (durationMinutes === undefined && (/^\d/.test(word) || (NUMBER_WORDS.has(word) && unitFollows(i)))) {
      const found = longest(i, duration);
      if (found) {
        durationMinutes = found[0];
        i = found[1];
        continue;
      }
    }
    if (untilText === undefined && UNTIL.some((k) => isKeyword(word, k))) {
      const found = longest(i + 1, moment);
      if (found) {
        untilText = spanText(text, tokens, i + 1, found[1]);
        i = found[1];
        continue;
      }
    }
    if (start === undefined && START.includes(word)) {
      const from = ['at', 'from'].includes(tokens[i + 1]?.word ?? '') && word !== 'at' && word !== 'from' ? i + 2 : i + 1;
      const found = longest(from, moment);
      if (found) {
        start = found[0];
        i = found[1];
        continue;
      }
    }
    if (start === undefined && DAY_WORDS.some((k) => isKeyword(word, k))) {
      const found = longest(i, moment);
      if (found) {
        start = found[0];
        i = found[1];
        continue;
      }
    }
    if (SCOPE.includes(word) && namedSomething) {
      let to = i + 1;
      while (to < tokens.length && isPlainWord(tokens[to]!)) to++;
      if (to > i + 1) {
        pieces.push({ kind: 'scope', from: i + 1, to });
        i = to;
        continue;
      }
    }
    if (JOINERS.has(word)) {
      pieces.push({ kind: 'separator' });
      i++;
      continue;
    }
    const last = pieces[pieces.length - 1];
    if (last && last.kind === 'words' && last.to === i) pieces[pieces.length - 1] = { kind: 'words', from: last.from, to: i + 1 };
    else pieces.push({ kind: 'words', from: i, to: i + 1 });
    namedSomething = true;
    i++;

    function isPlainWord(t: Token): boolean {
      if (t.separator || JOINERS.has(t.word)) return false;
      if (REASON.some((k) => isKeyword(t.word, k)) || TICKET.some((k) => isKeyword(t.word, k))) return false;
      if (['for', 'during', ...START, ...UNTIL].includes(t.word)) return false;
      return !(/^\d/.test(t.word) && parseDuration(t.text, reader) !== null);
    }
  }

  // Targets: the runs of words (with their scopes) up to the first run after a keyword part;
  // later unclaimed words are the justification when none was given with "because".
  const targets: TargetSpec[] = [];
  const leftovers: string[] = [];
  let targetFrom: number | undefined;
  let targetTo: number | undefined;
  let closed = false;
  let previousEnd = 0;
  for (const piece of pieces) {
    if (piece.kind === 'separator') continue;
    const spoken = clean(spanText(text, tokens, piece.from, piece.to));
    // A gap since the previous piece means a keyword part came in between.
    const gap = piece.from > previousEnd && tokens.slice(previousEnd, piece.from).some((t) => !t.separator && !JOINERS.has(t.word));
    previousEnd = piece.to;
    if (piece.kind === 'scope') {
      // "Contributor for 2h on Contoso Prod": a scope belongs to the target before it, wherever it is said.
      const last = targets[targets.length - 1];
      if (last && !last.scope && !closed) {
        targets[targets.length - 1] = { ...last, scope: spoken };
        if (!gap) targetTo = piece.to;
      } else {
        leftovers.push(spanText(text, tokens, piece.from - 1, piece.to));
      }
      continue;
    }
    if (spoken === '') continue;
    if (gap && targets.length > 0) closed = true;
    if (closed) {
      leftovers.push(spanText(text, tokens, piece.from, piece.to));
      continue;
    }
    targets.push({ role: spoken });
    targetFrom ??= piece.from;
    targetTo = piece.to;
  }

  if (justification === undefined && leftovers.length > 0) {
    const said = leftovers.join(', ').trim();
    if (clean(said) !== '') justification = said;
  }
  // "because audit for 1h": a duration said after the reason still is the duration.
  if (justification !== undefined && durationMinutes === undefined) {
    const tail = durationTail(justification);
    const minutes = tail && /\bfor\s/i.test(tail[0]) ? parseDuration(tail[1]!) : null;
    if (minutes !== null) {
      durationMinutes = minutes;
      justification = justification.slice(0, tail!.index);
    }
  }
  if (justification !== undefined) {
    justification = trimEnd(trimStart(justification, LEADING_JUNK), TRAILING_JUNK).replace(PURPOSE_LEAD, '');
    if (justification === '') justification = undefined;
  }

  let until: Date | undefined;
  if (untilText !== undefined) {
    const from = start ?? context.now;
    const end = parseMoment(untilText, from, context.timeZone);
    if (end && end.getTime() > from.getTime()) {
      until = end;
      if (durationMinutes === undefined) durationMinutes = Math.round((end.getTime() - from.getTime()) / 60_000);
    } else {
      problems.push(`"until ${untilText}" is not after the start.`);
    }
  }

  const targetText = targetFrom !== undefined && targetTo !== undefined ? clean(spanText(text, tokens, targetFrom, targetTo)) : '';
  return {
    targetText,
    targets,
    ...(durationMinutes !== undefined ? { durationMinutes } : {}),
    ...(start ? { start } : {}),
    ...(until ? { until } : {}),
    ...(ticket ? { ticket } : {}),
    ...(justification ? { justification } : {}),
    problems,
  };
}

const TAIL = /\s+(?:for\s+)?([^,;]{1,30})$/iy;

/**
 * The first match of TAIL in `text`, as a search with it unanchored would find it. That search retries
 * from every character of a long run of spaces, each time across the whole run; a match can only begin
 * where a run of spaces begins (from inside a run the rest matches the same way), so only those
 * starts are tried, each ending within 30 characters of its run: linear in the text.
 */
function durationTail(text: string): RegExpExecArray | null {
  for (let at = 0; at < text.length; at++) {
    if (!/\s/.test(text[at]!) || (at > 0 && /\s/.test(text[at - 1]!))) continue;
    TAIL.lastIndex = at;
    const found = TAIL.exec(text);
    if (found) return found;
  }
  return null;
}

/** Drops filler words from both ends of a name ("the reader role" → "reader"). */
function clean(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  while (words.length > 0 && FILLER.has(words[0]!.toLowerCase())) words.shift();
  while (words.length > 0 && FILLER.has(words[words.length - 1]!.toLowerCase())) words.pop();
  return words.join(' ');
}
