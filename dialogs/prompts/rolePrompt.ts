import type { Attachment } from 'botbuilder';
import { CardAction, CardInput } from '../../cards/actions';
import { roleListCard, ROLE_PAGE_SIZE } from '../../cards/views';
import { stringField, type MessageInput } from '../input';
import { MAX_COMMAND_LENGTH } from '../parsing/limits';
import { matchName } from '../parsing/resolve';
import type { RoleChoice } from '../roleChoice';
import { CardPrompt, STALE_CARD_MESSAGE, type CardPromptOptions, type Recognized } from './cardPrompt';

export interface RolePromptOptions extends CardPromptOptions {
  /** Only the acting user's own eligibilities (most recently used first): a key or name outside this list is refused. */
  readonly choices: readonly RoleChoice[];
  /** Narrowed by a search; kept in the dialog's state so paging and the next answer use it. */
  filter?: string;
  /** Narrowed to exactly these by a typed name that matched several. */
  onlyKeys?: string[];
  page?: number;
}

/** Eligibility keys are short; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 1024;
const MAX_PICKED = 10;

/** Answers with one or several of the user's eligibilities (the multi-select card, or names typed with "and"). */
export class RolePrompt extends CardPrompt<RolePromptOptions, RoleChoice[]> {
  protected override card(options: RolePromptOptions): Attachment {
    const shown = options.onlyKeys
      ? options.choices.filter((c) => options.onlyKeys!.includes(c.key))
      : filterChoices(options.choices, options.filter);
    const page = Math.min(options.page ?? 0, Math.max(0, Math.ceil(shown.length / ROLE_PAGE_SIZE) - 1));
    return roleListCard({ roles: shown, ...(options.filter ? { filter: options.filter } : {}), page, total: options.choices.length });
  }

  protected override summary(picked: RoleChoice[]): { title: string; text: string } {
    return { title: picked.length === 1 ? 'Role chosen' : `${picked.length} roles chosen`, text: picked.map((c) => c.label).join('; ') };
  }

  protected override recognize(input: MessageInput, options: RolePromptOptions): Recognized<RoleChoice[]> {
    switch (input.action) {
      case CardAction.pickRole: {
        const one = recognizeKey(stringField(input.value, 'eligibilityKey'), options.choices);
        return one.ok ? { ok: true, value: [one.value] } : one;
      }
      case CardAction.pickRoles:
        return recognizeKeys(stringField(input.value, CardInput.selectedKeys), options.choices);
      case CardAction.searchRoles: {
        const said = (stringField(input.value, CardInput.search) ?? '').trim().slice(0, 60);
        return this.narrow(options, said);
      }
      case CardAction.moreRoles: {
        const page = Number(input.value?.['page']);
        options.page = Number.isInteger(page) && page > 0 && page < 1000 ? page : 0;
        return { ok: false, message: 'More of your roles:' };
      }
      case undefined:
        break;
      default:
        return { ok: false, message: STALE_CARD_MESSAGE };
    }
    if (input.text === '') return { ok: false, message: 'Pick a role from the list, or type its name.' };
    // A role name is short; a long text is not read (its splitting and matching would grow with it).
    if (input.text.length > MAX_COMMAND_LENGTH)
      return { ok: false, message: 'That is too long to be a role name. Pick a role from the list, or type its name.' };
    const names = input.text.split(/\s*(?:,|\band\b|&|\+)\s*/i).filter((n) => n.trim() !== '');
    if (names.length > 1 && names.length <= MAX_PICKED) {
      const each = names.map((n) => matchName(n, filterChoices(options.choices, options.filter)));
      if (each.every((m) => m.kind === 'one')) return { ok: true, value: unique(each.map((m) => (m as { choice: RoleChoice }).choice)) };
    }
    const match = matchName(input.text, filterChoices(options.choices, options.filter));
    switch (match.kind) {
      case 'one':
        return { ok: true, value: [match.choice] };
      case 'many':
        options.filter = undefined;
        options.onlyKeys = match.choices.map((c) => c.key);
        options.page = 0;
        return {
          ok: false,
          message: `"${shorten(input.text)}" matches ${match.choices.length} of your roles: ${match.choices
            .slice(0, 5)
            .map((c) => c.label)
            .join('; ')}. Which one?`,
        };
      case 'none': {
        const hint = match.closest.length > 0 ? ` The closest: ${match.closest.map((c) => c.label).join('; ')}.` : '';
        options.filter = undefined;
        options.onlyKeys = undefined;
        return {
          ok: false,
          message: `You have no eligible role called "${shorten(input.text)}".${hint} These are the roles you can activate:`,
        };
      }
    }
  }

  private narrow(options: RolePromptOptions, said: string): Recognized<RoleChoice[]> {
    options.page = 0;
    options.onlyKeys = undefined;
    if (said === '') {
      options.filter = undefined;
      return { ok: false, message: 'All your roles:' };
    }
    const found = filterChoices(options.choices, said);
    if (found.length === 0) return { ok: false, message: `None of your roles matches "${shorten(said)}". All your roles:` };
    options.filter = said;
    return { ok: false, message: `Roles matching "${shorten(said)}":` };
  }
}

/** Every word typed must appear in the label (or a near-miss of it): "reader rg-web", "sre". */
export function filterChoices(choices: readonly RoleChoice[], filter: string | undefined): RoleChoice[] {
  const words = (filter ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '' && !['activate', 'on', 'in', 'the'].includes(w));
  if (words.length === 0) return [...choices];
  const exact = choices.filter((c) => words.every((w) => searchText(c).includes(w)));
  if (exact.length > 0) return exact;
  const near = matchName(filter!, choices);
  return near.kind === 'one' ? [near.choice] : near.kind === 'many' ? [...near.choices] : [...near.closest];
}

function searchText(c: RoleChoice): string {
  return `${c.label} ${c.roleName} ${c.scopeName} ${(c.aliases ?? []).join(' ')}`.toLowerCase();
}

export function recognizeKey(key: string | undefined | null, choices: readonly RoleChoice[]): Recognized<RoleChoice> {
  if (key === undefined || key === null || key === '' || key.length > MAX_KEY_LENGTH) {
    return { ok: false, message: "That card submit didn't say which role you picked. Please pick one from the list:" };
  }
  const choice = choices.find((c) => c.key === key);
  if (!choice) return { ok: false, message: "That role isn't one you're eligible for, so I can't activate it. Pick one from your list:" };
  return { ok: true, value: choice };
}

function recognizeKeys(value: string | undefined | null, choices: readonly RoleChoice[]): Recognized<RoleChoice[]> {
  const keys =
    typeof value === 'string'
      ? value
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : [];
  if (keys.length === 0) return { ok: false, message: 'Tick one or more roles under "Several at once", then Activate selected:' };
  if (keys.length > MAX_PICKED) return { ok: false, message: `That's more than ${MAX_PICKED} at once. Pick fewer:` };
  const picked: RoleChoice[] = [];
  for (const key of keys) {
    const one = recognizeKey(key, choices);
    if (!one.ok) return one;
    picked.push(one.value);
  }
  return { ok: true, value: unique(picked) };
}

function unique(list: readonly RoleChoice[]): RoleChoice[] {
  return list.filter((c, i) => list.findIndex((x) => x.key === c.key) === i);
}

function shorten(text: string): string {
  const t = text.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
