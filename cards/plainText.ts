// What a person typed (justification, ticket, reason, a name echoed back) and every name read from the
// directory reaches other people's screens. Teams renders Markdown in TextBlocks, facts, table cells
// and plain messages, and autolinks URLs, so such text could carry a link labelled "Open PIM to
// approve" or hide its real order behind bidirectional overrides. Everything shown goes through here
// at the edge (cards/render.ts for cards, plainMessage for messages) and comes out as inert text.
//
// Backslash escapes alone are not enough: some Teams clients have shown them literally or ignored
// them, so the constructs that make links are also broken structurally ("\]\(" never reads as "](",
// "<" becomes "‹") and URLs are defanged ("https[:]//", "evil[.]example") so that no client can
// autolink them.
import { localizeText, type TimeFormatter } from './localTime';

/** Control and invisible format characters: C0/C1 controls, bidi marks and overrides, zero-width characters, tags, lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
/** Line and paragraph breaks of every kind, and other whitespace runs: one space (no Markdown block can start mid-text). */
const WHITESPACE = /[\s\p{Zl}\p{Zp}]+/gu;
/** Characters with a Markdown meaning in Teams (and the `{{DATE()}}` text functions of Adaptive Cards). */
const MARKDOWN_SPECIALS = /[\\`*_~[\]&{}#|]/g;
/**
 * Angle brackets become their look-alikes: Teams renders some HTML in messages, and a client that
 * ignored a backslash would still see a tag. "‹a href›" can never be one.
 */
const ANGLES: Readonly<Record<string, string>> = { '<': '\u2039', '>': '\u203A' };
/** A list or numbered item at the start of a block (quotes and headings are escaped with the specials). */
const BLOCK_START = /^([-+]|\d{1,9}[.)])(?=\s|$)/;
/** scheme://… in any case; the scheme is kept so the reader still sees what it was. */
const URL_SCHEME = /\b([a-z][a-z0-9+.-]{0,30}):\/\//gi;
/** www.… is autolinked without a scheme. */
const WWW = /\bwww\./gi;
/**
 * A bare host name ("evil.example", "login.evil.example/path"), which fuzzy linkifiers turn into a
 * link: every dot of it is defanged. E-mail domains (after "@") are left as they are.
 */
const BARE_HOST = /(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}(?![\w-]*@)\b/gi;
/**
 * The Adaptive Card date/time functions the views produce (format.ts); strictly shaped, so a
 * forged one can only ever show a date.
 */
const TIME_FUNCTION = /\{\{(TIME|DATE)\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)(?:, (SHORT|LONG|COMPACT))?\)\}\}/g;

/** Removes control and invisible characters and folds every line break and whitespace run into one space. */
export function cleanText(text: string): string {
  return text.replace(WHITESPACE, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ');
}

/** Breaks every scheme URL, www. address and bare host name so that no client links it. */
export function defangLinks(text: string): string {
  return text
    .replace(URL_SCHEME, '$1[:]//')
    .replace(WWW, (www) => `${www.slice(0, 3)}[.]`)
    .replace(BARE_HOST, (host) => host.replace(/\./g, '[.]'));
}

function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[<>]/g, (angle) => ANGLES[angle]!)
      .replace(MARKDOWN_SPECIALS, '\\$&')
      // A client that ignores backslash escapes must still never see "](" (a link) or "]: " (a link definition).
      .replace(/\\\]([(:])/g, '\\]\\$1')
      .replace(BLOCK_START, (marker) => (marker.length === 1 ? `\\${marker}` : `${marker.slice(0, -1)}\\${marker.slice(-1)}`))
  );
}

/**
 * THE function for text that a Markdown renderer will show (TextBlock, fact title and value, table
 * cell, message text): control characters removed, whitespace folded, links defanged, Markdown and HTML
 * escaped. The date/time functions of format.ts survive as they are, so cards keep showing times in
 * each reader's own zone.
 */
export function plainText(text: string): string {
  const clean = cleanText(text);
  let out = '';
  let last = 0;
  for (const match of clean.matchAll(TIME_FUNCTION)) {
    out += escapeMarkdown(defangLinks(clean.slice(last, match.index)));
    out += match[0];
    last = match.index + match[0].length;
  }
  return out + escapeMarkdown(defangLinks(clean.slice(last)));
}

/**
 * plainText for a chat message, where Adaptive Card date/time functions do not exist: they are
 * written out in the reader's zone when `times` knows it ("Thu, Dec 3, 2026 9:00 AM"), else in UTC
 * ("2026-12-02 07:17 UTC").
 */
export function plainMessage(text: string, times?: TimeFormatter): string {
  const clean = cleanText(text);
  return plainText(
    times
      ? localizeText(clean, times)
      : clean.replace(TIME_FUNCTION, (_, kind: string, iso: string) => (kind === 'TIME' ? `${iso.slice(11, 16)} UTC` : iso.slice(0, 10))),
  );
}
