// The one way a card is made: a JSON template in this folder expanded with adaptivecards-templating.
// Templates stay plain Adaptive Card JSON so they can be opened in the designer as they are.
import { Template } from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import adminTable from './adminTable.json';
import approvalRequest from './approvalRequest.json';
import approvalStatus from './approvalStatus.json';
import choices from './choices.json';
import durationForm from './durationForm.json';
import info from './info.json';
import justificationForm from './justificationForm.json';
import myRoles from './myRoles.json';
import result from './result.json';
import roleList from './roleList.json';
import welcome from './welcome.json';
import results from './results.json';
import signIn from './signIn.json';
import { sanitizeCard } from './sanitize';
import reminder from './reminder.json';
import notice from './notice.json';

const TEMPLATES = {
  adminTable,
  welcome,
  roleList,
  durationForm,
  justificationForm,
  result,
  myRoles,
  info,
  approvalRequest,
  approvalStatus,
  results,
  signIn,
  reminder,
  notice,
  choices,
} as const;

export type CardName = keyof typeof TEMPLATES;

/** Teams refuses bigger cards; failing here names the card instead of a silent drop in the client. */
export const MAX_CARD_BYTES = 28 * 1024;

export class CardRenderError extends Error {
  override readonly name = 'CardRenderError';
}

// A Template parses every ${...} of its card when it is built; expand() is synchronous and the
// library means an instance to be bound to data again and again, so each card is parsed once.
const prepared = new Map<CardName, Template>();

function templateFor(name: CardName): Template {
  let template = prepared.get(name);
  if (!template) {
    template = new Template(TEMPLATES[name]);
    prepared.set(name, template);
  }
  return template;
}

/**
 * Parses templates ahead of their first use. A parse costs a few milliseconds, and the first one in a
 * process over 20 (the expression engine warming up): too much for the first card of a fan-out.
 */
export function prepareCards(names: readonly CardName[]): void {
  for (const name of names) templateFor(name);
}

/**
 * Every card leaves here with its text made plain (sanitize.ts): what people typed and the directory's
 * names can neither link, format, nor reorder what a reader sees.
 */
export function renderCard(name: CardName, data: object): Attachment {
  const key = renderedKey(name, data);
  const cached = key === undefined ? undefined : rendered.get(key);
  if (cached !== undefined) {
    // Most recently used last, so the oldest is the one let go.
    rendered.delete(key!);
    rendered.set(key!, cached);
    return CardFactory.adaptiveCard(JSON.parse(cached) as Record<string, unknown>);
  }
  const card = sanitizeCard(templateFor(name).expand({ $root: data }) as Record<string, unknown>);
  const json = JSON.stringify(card);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_CARD_BYTES) {
    throw new CardRenderError(`card "${name}" is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
  }
  if (key !== undefined) {
    if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
    rendered.set(key, json);
  }
  return CardFactory.adaptiveCard(card);
}

/**
 * The cards rendered last, by template and data (JSON). Many people get the very same card (a role's
 * duration form, the same notice), and a render (templating, then sanitising every text) costs
 * 0.1-0.3 ms against a few microseconds to parse a stored copy (docs/performance.md). A card is a pure
 * function of its template and its data, so a copy is exactly what a new render would give; each hit
 * is a fresh object, so nobody shares one. Bounded in count and key size.
 */
const rendered = new Map<string, string>();
const RENDERED_MAX = 500;
const RENDERED_KEY_MAX_CHARS = 4096;

/** The cache key for plain JSON data; undefined (no caching) for anything else (a Date, a class instance, a function). */
function renderedKey(name: CardName, data: object): string | undefined {
  let plain = true;
  const json = JSON.stringify(data, function (this: unknown, field: string, value: unknown) {
    const raw = (this as Record<string, unknown>)[field];
    if (typeof raw === 'function') plain = false;
    else if (
      typeof raw === 'object' &&
      raw !== null &&
      !Array.isArray(raw) &&
      (Object.getPrototypeOf(raw) !== Object.prototype || 'toJSON' in raw)
    )
      plain = false;
    return value;
  });
  if (!plain || json === undefined || json.length > RENDERED_KEY_MAX_CHARS) return undefined;
  return `${name}\u0000${json}`;
}
