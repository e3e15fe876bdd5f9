// Times in the person's own time zone, written in one locale per message. Cards are made with
// {{TIME()}}/{{DATE()}} placeholders (format.ts); where the turn tells the reader's time zone, every
// placeholder of an outgoing message is written out here, in English like the sentences around it,
// instead of being left to the client (which would write it in the client's locale: German dates
// inside English sentences). Without a known zone the placeholders stay for the client.

/** The language of every sentence the bot writes, so of its dates too. */
const LOCALE = 'en-US';
const PLACEHOLDER = /\{\{(TIME|DATE)\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)(?:, (SHORT|LONG|COMPACT))?\)\}\}/g;
/** Deep enough for any card; a deeper value is left as it is. */
const MAX_DEPTH = 40;

export interface TimeFormatter {
  time(date: Date): string;
  date(date: Date): string;
}

/** The one formatter: `timeZone` is IANA ("Europe/Berlin"); undefined or unknown = none (placeholders stay). */
export function timeFormatter(timeZone: string | undefined): TimeFormatter | undefined {
  if (!timeZone) return undefined;
  try {
    const time = new Intl.DateTimeFormat(LOCALE, { timeZone, hour: 'numeric', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(LOCALE, { timeZone, weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
    return { time: (d) => time.format(d), date: (d) => date.format(d) };
  } catch {
    return undefined;
  }
}

/** Writes out every time placeholder in a string. */
export function localizeText(text: string, format: TimeFormatter): string {
  return text.replace(PLACEHOLDER, (_, kind: string, iso: string) =>
    kind === 'TIME' ? format.time(new Date(iso)) : format.date(new Date(iso)),
  );
}

/** The same through a card or an activity: a copy with every string localized. */
export function localizeTimes<T>(value: T, format: TimeFormatter, depth = 0): T {
  if (typeof value === 'string') return (value.includes('{{') ? localizeText(value, format) : value) as T;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => localizeTimes(v, format, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = localizeTimes(v, format, depth + 1);
  return out as T;
}
