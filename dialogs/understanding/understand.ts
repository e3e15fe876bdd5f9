// What a typed message asks for, read the way people write at 3 a.m.: filler and politeness anywhere
// ("could you please", "I need", "pls"), questions, no verb at all, emoji, typos. The intent is read
// here; the slots of a request (role, scope, duration, ticket, reason) by the grammar in
// parsing/request.ts, from the part of the sentence this returns as `rest` (original spelling kept).
//
// Precision before recall: a phrase only counts for an intent when it says so plainly; a sentence
// with no verb is at most a guess (`explicit: false`), which the activation dialog confirms before it
// acts and turns into the "what I can do" answer when it names none of the person's roles.
//
// Linear in the message: one tokenization, then a fixed set of short phrases looked for at each word
// (each costs a few comparisons), after the command cap of parsing/limits.ts.
import { parseAdminQuestion, type Parse } from '../admin/grammar';
import { isKeyword } from '../parsing/fuzzy';
import { MAX_COMMAND_LENGTH } from '../parsing/limits';
import { tokenize, type Token } from '../parsing/tokens';
import { looksForeign } from './language';

export type Intent =
  | 'help'
  | 'thanks'
  /** Turn a role on (rest: what to activate, as said). */
  | 'activate'
  /** End an active role early (rest: which, if said). */
  | 'deactivate'
  | 'extend'
  /** Withdraw a request still waiting for approval (rest: which, if said). */
  | 'cancelRequest'
  /** What is active, for how long, and what is waiting ("how long do I have left"). */
  | 'myRoles'
  /** What the person may activate. */
  | 'eligibleRoles'
  /** An approver's "what is waiting for me". */
  | 'approverQueue'
  /** An admin question, read by the admin grammar (or built here for the phrasings it does not know). */
  | 'adminQuestion'
  /** Stop the current flow. */
  | 'cancel'
  | 'tooLong'
  | 'otherLanguage'
  | 'unknown';

export interface Reading {
  readonly intent: Intent;
  /** For activate / deactivate / extend / cancelRequest: the rest of the sentence, as typed ('' = nothing named). */
  readonly rest: string;
  /** A verb or a request phrase was said ("activate", "I need", "give me"); false = a guess from a bare name. */
  readonly explicit: boolean;
  /** The verb itself was said ("activate", "enable", "elevate", "request"), not only a phrase like "give me". */
  readonly verb: boolean;
  /** For adminQuestion: what the admin answers are asked. */
  readonly admin?: Parse;
}

const reading = (intent: Intent, extra: Partial<Reading> = {}): Reading => ({ intent, rest: '', explicit: true, verb: false, ...extra });
const STRONG_VERBS = ['activate', 'enable', 'elevate', 'request'];
const strong = (ws: readonly string[]) => ws.some((x) => !x.startsWith('de') && STRONG_VERBS.some((v) => isKeyword(x, v)));

/** Politeness and noise that never change what is asked. */
const POLITE = new Set([
  'please',
  'pls',
  'plz',
  'plss',
  'pleas',
  'plese',
  'pleae',
  'pleaes',
  'plox',
  'kindly',
  'hey',
  'hi',
  'hello',
  'yo',
  'bot',
  'pim',
  'pimbot',
  'thanks',
  'thank',
  'thx',
  'ty',
  'sorry',
  'ok',
  'okay',
  'um',
  'uh',
  'hmm',
  'just',
  'quickly',
  'urgently',
  'asap',
  'again',
  'there',
  'good',
  'morning',
  'afternoon',
  'evening',
]);
const GREETINGS = new Set(['hi', 'hello', 'hey', 'yo', 'morning', 'hiya', 'howdy', 'good', 'afternoon', 'evening']);
const THANKS = new Set(['thanks', 'thank', 'thx', 'ty', 'cheers', 'great', 'perfect', 'cool', 'nice', 'awesome', 'you']);

const HELP: readonly string[] = [
  'help',
  'start',
  'menu',
  'commands',
  'options',
  'info',
  'usage',
  '?',
  'help me',
  'i need help',
  'need help',
  'what can you do',
  'what do you do',
  'how does this work',
  'how do i use this',
  'how do i use you',
  'what are you',
  'who are you',
  'how does it work',
  'what can i do',
  'what can i ask',
  'what can i say',
  'what should i say',
  'how do i start',
  'get started',
  'show commands',
  'show help',
  'what is this',
];
const CANCEL: readonly string[] = [
  'cancel',
  'stop',
  'quit',
  'never mind',
  'nevermind',
  'abort',
  'forget it',
  'exit',
  'cancel that',
  'stop that',
  'cancel it',
  'cancel this',
  'stop it',
  'no thanks',
  'forget about it',
  'nvm',
  'scratch that',
];

/** Phrases, each a sequence of words; a word may end in '*' (any word starting so) or be '~word' (typos allowed). */
type Phrase = readonly string[];
const p = (text: string): Phrase => text.split(' ');

const APPROVER_QUEUE: readonly Phrase[] = [
  'waiting for me',
  'waiting on me',
  'to approve',
  'need my approval',
  'needs my approval',
  'need approval from me',
  'my approvals',
  'awaiting my',
  'for my approval',
  'pending for me',
  'approval queue',
  'should i approve',
  'waiting for my',
  'for me to approve',
  'anything to approve',
  'my queue',
  'approvals for me',
  'anything to approve',
  'requests for me',
  'pending my approval',
  'waiting my approval',
  'need me to approve',
  'needs me to approve',
].map(p);
const WHO_IS_ACTIVE: readonly Phrase[] = [
  'who is active',
  "who's active",
  'whos active',
  'who are active',
  'who is elevated',
  "who's elevated",
  'who has anything active',
  'who is activated',
  'anyone active',
  'anybody active',
  'active users',
  'who has active roles',
  'who has an active role',
  'who else is active',
  'who is using their roles',
  'who has elevated',
  'who has access',
  'who is using pim',
  'who is using',
  'who has roles',
  'who is privileged',
  'who is currently active',
  'who is on right now',
  'which users are active',
  'who holds anything',
].map(p);
/** Trailing words after "who is active" that keep it a tenant-wide question (anything else names a role: the admin grammar reads it). */
const NOW_WORDS = new Set(['right', 'now', 'currently', 'today', 'at', 'the', 'moment', 'in', 'pim', 'at the moment']);
const ELIGIBLE: readonly Phrase[] = [
  'what can i activate',
  'which roles can i',
  'what roles can i',
  'what can i request',
  'what can i get',
  'what can i turn on',
  'what may i activate',
  'which roles am i eligible',
  'what roles am i eligible',
  'what am i eligible',
  'am i eligible',
  'my eligible',
  'my eligibilities',
  'roles am i eligible',
  'roles i can activate',
  'my eligible roles',
  'roles can i activate',
  'roles i can request',
  'available roles',
  'roles available',
  'list roles',
  'list all roles',
  'show roles',
  'show all roles',
  'show me roles',
  'show me the roles',
  'show available',
  'what roles are there',
  'what roles exist',
  'which roles are available',
  'roles are available',
  'roles are there',
  'what can i elevate',
  'what can i have',
  'what roles do i qualify',
  'what is available',
  "what's available",
  'options to activate',
  'what could i activate',
  'which role can i',
  'what role can i',
  'what can i be',
  'where can i elevate',
  'i eligible for',
  "i'm eligible for",
  'im eligible for',
  'roles i am eligible',
  'roles im eligible',
  "roles i'm eligible",
  'eligible for me',
].map(p);
const MY_ROLES: readonly Phrase[] = [
  'my roles',
  'my role',
  'my access',
  'my status',
  'my requests',
  'my request',
  'my pending',
  'my active',
  'my activations',
  'my current',
  'what do i have',
  "what's active",
  'whats active',
  'what is active',
  'what have i got',
  'what am i',
  'am i active',
  'am i still',
  'is my',
  'are my',
  'how long',
  'how much time',
  'time is left',
  'time left',
  'time remaining',
  'left on',
  'remaining on',
  'minutes left',
  'hours left',
  'when does my',
  'when do my',
  'when will my',
  'expire',
  'expires',
  'expiring',
  'run out',
  'runs out',
  'what roles do i have',
  'which roles do i have',
  'what access do i have',
  'what is on',
  'what i have',
  'active roles',
  'currently active',
  'show my',
  'list my',
  'status',
  'still active',
  'still pending',
  'still waiting',
  'what did i request',
  'what have i activated',
  'do i have',
  'my stuff',
].map(p);

const DEACTIVATE: readonly Phrase[] = [
  '~deactivate',
  'deactive',
  'turn off',
  'switch off',
  'disable',
  'drop',
  'remove',
  'revoke',
  'release',
  'relinquish',
  'end',
  "i'm done with",
  'im done with',
  'i am done with',
  'done with',
  'finished with',
  'no longer need',
  "don't need",
  'dont need',
  'do not need',
  'give up',
  'step down from',
  "don't want",
  'dont want',
  'do not want',
  'get me out of',
  'take me out of',
  'i want out of',
  'get rid of',
  'take away',
  'turn it off',
  'switch it off',
  "i'm done",
  'im done',
  'i am done',
  "i'm finished",
  'i am finished',
  'shut off',
  'kill',
  'terminate',
  'stop using',
  'log me out of',
  'sign me out of',
  'deelevate',
  'de-elevate',
  'unelevate',
].map(p);
const EXTEND: readonly Phrase[] = ['~extend', 'renew', 'prolong', 'lengthen', 'more time', 'keep it longer', 'keep it on', 'longer on'].map(
  p,
);
/** Asking for more of what is on, anywhere in the sentence ("another hour on global reader", "Global Reader for 2 more hours"). */
const MORE_OF: readonly Phrase[] = [
  'another hour',
  'another 30',
  'another 15',
  'an extra hour',
  'extra hour',
  'more hours',
  'more hour',
  'more minutes',
  'more mins',
  'hour longer',
  'hours longer',
].map(p);
/** The verbs of "turn global reader off": the role stands between the verb and "off". */
const OFF_VERBS = new Set(['turn', 'switch', 'shut', 'switching', 'turning']);
/** A question about the state of one's own access ("is global reader active", "when does it end"). */
const STATE_WORDS = new Set([
  'active',
  'activated',
  'expire',
  'expires',
  'expiring',
  'end',
  'ends',
  'ending',
  'left',
  'remaining',
  'running',
  'approved',
  'pending',
]);
const CANCEL_REQUEST: readonly Phrase[] = [
  'cancel my request',
  'cancel the request',
  'cancel request',
  'cancel my pending',
  'cancel the pending',
  'cancel pending',
  'cancel my',
  'cancel the',
  'withdraw',
  'retract',
  'take back',
  'cancel',
].map(p);

/** Verbs that ask for access on their own ("need", "grant", "elevate"); the modal words ("can", "could") need one. */
const ACTIVATION_VERB_LIST = [
  'need',
  'want',
  'like',
  'get',
  'give',
  'gimme',
  'grant',
  'have',
  'assign',
  'make',
  'add',
  'put',
  'elevate',
  'enable',
  'request',
  'requesting',
  'activate',
  'turn',
  'switch',
  'require',
  'lend',
  'borrow',
] as const;
/** Words that ask for access, at the start of a sentence (with the filler around them). */
const REQUEST_WORDS = new Set<string>([...ACTIVATION_VERB_LIST, 'let', 'could', 'can', 'may', 'would', "i'd", 'id', "i'll"]);
/** Filler that may stand between the request words and what is asked for ("can I please get the ..."). */
const LEAD_FILLER = new Set([
  'i',
  'you',
  'me',
  'to',
  'on',
  'up',
  'into',
  'in',
  'as',
  'a',
  'an',
  'the',
  'some',
  'temporary',
  'temporarily',
  'access',
  'for',
  'us',
  'myself',
  'be',
  'become',
  'is',
  'it',
  'possible',
  'how',
  'there',
  'way',
  'u',
  'ya',
  'quick',
  'please',
  'pls',
  'plz',
  'kindly',
  'just',
  'now',
  'asap',
  'urgently',
  'real',
  'really',
  'with',
  'do',
  'we',
  'go',
  'able',
]);
/** Request words that are verbs of activation on their own; the rest ("can", "could") need one of these. */
const ACTIVATION_VERBS = new Set<string>(ACTIVATION_VERB_LIST);
/** Words that turn a request around ("don't activate", "I can't activate"): never an action without a confirmation. */
const NEGATIONS = new Set([
  'not',
  "don't",
  'dont',
  'never',
  "didn't",
  'didnt',
  "doesn't",
  'doesnt',
  "won't",
  'wont',
  "shouldn't",
  'shouldnt',
  "can't",
  'cant',
  'cannot',
  "isn't",
  'isnt',
  'no',
  "wasn't",
  "couldn't",
  'couldnt',
  'without',
]);
const QUESTION_WORDS = new Set([
  'what',
  'why',
  'how',
  'when',
  'where',
  'who',
  'which',
  'whose',
  'is',
  'are',
  'do',
  'does',
  'did',
  'was',
  'were',
  'will',
  'should',
  'shall',
]);
/** Words left over from deactivate/extend/cancel phrases around the role ("the", "my", "anymore"). */
const EDGE_FILLER = new Set([
  'that',
  'this',
  'session',
  'my',
  'the',
  'me',
  'of',
  'from',
  'for',
  'off',
  'anymore',
  'any',
  'more',
  'now',
  'please',
  'pls',
  'thanks',
  'role',
  'access',
  'request',
  'requests',
  'pending',
  'activation',
  'it',
  'a',
  'an',
  'to',
  'on',
]);

interface Words {
  readonly tokens: readonly Token[];
  /** Lower case, curly apostrophes straightened, no leading emoji or symbols. */
  readonly words: readonly string[];
}

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}?]/u;

function words(text: string): Words {
  const all = tokenize(text.replace(/[\u2018\u2019]/g, "'")).filter((t) => t.separator === '' && HAS_LETTER_OR_DIGIT.test(t.text));
  return { tokens: all, words: all.map((t) => t.word) };
}

/** Word comparisons made by this process so far: the hostile-text test checks they grow with the message, no faster. */
let comparisons = 0;
export function understandingComparisons(): number {
  return comparisons;
}

/** Index where `phrase` first starts in `ws` (from `from`), or -1. Each phrase is a few words: O(n). */
function find(ws: readonly string[], phrase: Phrase, from = 0): number {
  for (let i = from; i + phrase.length <= ws.length; i++) {
    let k = 0;
    for (; k < phrase.length; k++) {
      comparisons++;
      const want = phrase[k]!;
      const got = ws[i + k]!;
      // A typo keeps the first two letters: "activate" is never a misspelt "deactivate".
      if (want.startsWith('~') ? !(got.slice(0, 2) === want.slice(1, 3) && isKeyword(got, want.slice(1))) : got !== want) break;
    }
    if (k === phrase.length) return i;
  }
  return -1;
}

function firstOf(ws: readonly string[], phrases: readonly Phrase[]): { at: number; phrase: Phrase } | undefined {
  let best: { at: number; phrase: Phrase } | undefined;
  for (const phrase of phrases) {
    const at = find(ws, phrase);
    if (at >= 0 && (!best || at < best.at || (at === best.at && phrase.length > best.phrase.length))) best = { at, phrase };
  }
  return best;
}

/** The original text from token `from` on, without filler words at its edges. */
function restFrom(text: string, w: Words, from: number, to = w.tokens.length): string {
  let i = from;
  let j = to;
  while (i < j && (EDGE_FILLER.has(w.words[i]!) || POLITE.has(w.words[i]!))) i++;
  while (j > i && (EDGE_FILLER.has(w.words[j - 1]!) || POLITE.has(w.words[j - 1]!) || w.words[j - 1] === '?')) j--;
  if (j <= i) return '';
  return text.slice(w.tokens[i]!.start, w.tokens[j - 1]!.end).trim();
}

export function understand(text: string): Reading {
  const read = readIntent(text);
  if (read.intent === 'activate' && read.explicit) {
    // A question ("do I need global reader for 1h?") or a negation ("don't activate ...") is not a request
    // to act on: it becomes a guess, confirmed before anything is requested.
    const ws = words(text).words.filter((x) => !POLITE.has(x));
    if (ws.some((x) => NEGATIONS.has(x)) || (ws.length > 0 && QUESTION_WORDS.has(ws[0]!) && ws[0] !== 'how'))
      return { ...read, explicit: false, verb: false };
  }
  return read;
}

function readIntent(text: string): Reading {
  if (text.trim().length > MAX_COMMAND_LENGTH) return reading('tooLong');
  if (text.trim() === '?') return reading('help');
  const w = words(text);
  const ws = w.words;
  if (ws.length === 0) return reading('unknown', { explicit: false });
  const core = ws.filter((x) => !POLITE.has(x));
  const said = core.join(' ');

  if (CANCEL.includes(said) && core.length > 0) return reading('cancel');
  if (
    core.length === 0 ||
    (core.length <= 2 && core.every((x) => THANKS.has(x) || x === 'so' || x === 'much' || x === 'a' || x === 'lot'))
  ) {
    if (ws.some((x) => THANKS.has(x)) && !ws.some((x) => GREETINGS.has(x))) return reading('thanks');
    return reading('help');
  }
  if (looksForeign(text)) return reading('otherLanguage', { explicit: false });
  if (HELP.includes(said) || (core[0] === 'help' && core.length <= 3)) return reading('help');

  // The request words and their filler at the start ("could you please", "I need", "give me"): what
  // follows them is what is asked for. A phrase of another intent counts when it comes before any
  // activation verb or right where the filler ends ("I need to drop X", "please turn off X").
  let lead = 0;
  let verbAt = -1;
  while (
    lead < ws.length &&
    (REQUEST_WORDS.has(ws[lead]!) || LEAD_FILLER.has(ws[lead]!) || POLITE.has(ws[lead]!) || isKeyword(ws[lead]!, 'activate'))
  ) {
    // "have I got ...", "have you ..." ask a question; "have" is no request there.
    const inverted = ws[lead] === 'have' && ['i', 'you', 'we'].includes(ws[lead + 1] ?? '');
    if (verbAt < 0 && !inverted && (ACTIVATION_VERBS.has(ws[lead]!) || isKeyword(ws[lead]!, 'activate'))) verbAt = lead;
    lead++;
  }
  const plainly = (match: { at: number } | undefined, within = ws.length): match is { at: number; phrase: Phrase } =>
    match !== undefined && match.at <= within && (match.at <= lead || verbAt < 0 || verbAt >= match.at);

  // Questions with a fixed shape, before the admin grammar reads "active" as a role name.
  // Nothing said inside a request (its reason) turns it into a question.
  const approvals = verbAt < 0 ? approvalsBy(w) : undefined;
  if (approvals) return reading('adminQuestion', { admin: approvals });
  // Not inside a request's reason ("activate X because ... to approve ..."): a request is never turned into a list.
  if (plainly(firstOf(ws, APPROVER_QUEUE)) || ['approve', 'approvals', 'approval', 'to approve'].includes(said))
    return reading('approverQueue');
  const everyone = firstOf(ws, WHO_IS_ACTIVE);
  if (plainly(everyone) && ws.slice(everyone.at + everyone.phrase.length).every((x) => NOW_WORDS.has(x) || x === '?')) {
    return reading('adminQuestion', { admin: { intent: 'activeNow', slots: {} } });
  }
  if (plainly(firstOf(ws, ELIGIBLE)) && !ws.includes('who')) return reading('eligibleRoles');

  /** A negation before the phrase ("don't deactivate X") turns it around: nothing is done on it. */
  const negatedBefore = (at: number) => ws.slice(0, at).some((x) => NEGATIONS.has(x));
  // Cancelling a waiting request names a request (or a role after "cancel"): "cancel" alone stops a flow (above).
  const cancelling = firstOf(ws, CANCEL_REQUEST);
  if (plainly(cancelling, 3) && negatedBefore(cancelling.at)) return reading('unknown', { explicit: false });
  if (plainly(cancelling, 3)) return reading('cancelRequest', { rest: restFrom(text, w, cancelling.at + cancelling.phrase.length) });
  const ending = firstOf(ws, DEACTIVATE);
  if (plainly(ending, 3) && negatedBefore(ending.at)) return reading('unknown', { explicit: false });
  if (plainly(ending, 3) && !(ending.phrase[0] === 'end' && (ending.at + 1 >= ws.length || ws[ending.at + 1] === 'of'))) {
    const rest = restFrom(text, w, ending.at + ending.phrase.length);
    // "I don't need a justification, activate X" asks for X: what is said after the phrase decides.
    if (ws.slice(ending.at + ending.phrase.length).some((x) => x === 'activate')) return reading('unknown', { explicit: false });
    return reading('deactivate', { rest });
  }
  // "turn global reader off": the role between the verb and "off" (never an activation).
  const offAt = ws.indexOf('off');
  const offVerb = ws.findIndex((x) => OFF_VERBS.has(x));
  if (offAt > 0 && offVerb >= 0 && offVerb < offAt && offVerb <= 3 && (verbAt < 0 || verbAt >= offVerb)) {
    if (negatedBefore(offVerb)) return reading('unknown', { explicit: false });
    return reading('deactivate', { rest: restFrom(text, w, offVerb + 1, offAt) });
  }
  const more = firstOf(ws, MORE_OF);
  if (plainly(more)) {
    // The role is what is left once the request words, the "more" phrase and its number are taken out.
    let cut = more.at;
    if (cut > 0 && /^\d/.test(ws[cut - 1]!)) cut--;
    const before = restFrom(text, w, lead, cut);
    const after = restFrom(text, w, more.at + more.phrase.length);
    return reading('extend', { rest: before || after });
  }
  const extending = firstOf(ws, EXTEND);
  if (plainly(extending, 3)) return reading('extend', { rest: restFrom(text, w, extending.at + extending.phrase.length) });
  if (plainly(firstOf(ws, MY_ROLES))) return reading('myRoles');

  // The admin grammar reads questions; a sentence with an activation verb and no question word is a request
  // ("for 2h activate sre on-call" is not a question about an alert called "2h activate sre on-call").
  const activationVerb = verbAt >= 0 || ws.some((x) => x === 'activate' || x === 'enable' || x === 'elevate');
  const admin = activationVerb && !QUESTION_WORDS.has(core[0]!) ? undefined : parseAdminQuestion(text);
  if (admin) return reading('adminQuestion', { admin });
  if (QUESTION_WORDS.has(core[0]!) && !ws.includes('who') && ws.some((x) => STATE_WORDS.has(x))) return reading('myRoles');

  if (verbAt >= 0) return reading('activate', { rest: restFrom(text, w, lead), verb: strong(ws.slice(0, lead)) });
  // "for 2h activate sre on-call": the verb later in the sentence (the grammar skips it there).
  if (ws.some((x) => !x.startsWith('de') && isKeyword(x, 'activate')))
    return reading('activate', { rest: restFrom(text, w, 0), verb: true });
  // A question the bot has no answer for is not a role name.
  if (QUESTION_WORDS.has(core[0]!)) return reading('unknown', { explicit: false });
  const from = ws.findIndex((x) => !POLITE.has(x) && x !== '?');
  return reading('activate', { rest: from < 0 ? '' : restFrom(text, w, from), explicit: false });
}

/** "who approved alice's last request", "what did bob approve this week": who decided, and that person's decisions. */
function approvalsBy(w: Words): Parse | undefined {
  const ws = w.words;
  const texts = w.tokens.map((t) => t.text.replace(/'s$/i, ''));
  const decided = ['approved', 'denied', 'rejected', 'approve', 'deny', 'reject', 'declined', 'decline'];
  for (let i = 0; i + 1 < ws.length; i++) {
    // who approved NAME [last request | ...]
    if (ws[i] === 'who' && decided.includes(ws[i + 1]!) && i + 2 < ws.length) {
      const k = i + 2;
      if (['the', 'a'].includes(ws[k]!)) return undefined; // "who approved the request for Global Reader": the admin grammar's or nobody's
      const name = texts[k];
      if (!name || ['my', 'me', 'it', 'that', 'this'].includes(ws[k]!)) return undefined;
      return { intent: 'whoDecided', slots: { user: name } };
    }
    // what did NAME approve [PERIOD]  /  what has NAME approved
    if (
      ws[i] === 'what' &&
      (ws[i + 1] === 'did' || ws[i + 1] === 'has' || ws[i + 1] === 'have') &&
      i + 3 < ws.length &&
      decided.includes(ws[i + 3]!)
    ) {
      const name = texts[i + 2]!;
      const period = texts
        .slice(i + 4)
        .filter((x) => x !== '?')
        .join(' ');
      return { intent: 'decisions', slots: { user: name, ...(period ? { period } : {}) } };
    }
  }
  return undefined;
}
