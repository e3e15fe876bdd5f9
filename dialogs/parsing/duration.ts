// Turns what people type for a length of time into minutes. The common compact forms are parsed
// here directly (fast, predictable); spelled-out forms ("two hours", "an hour and a half") fall back
// to Microsoft's date-time recognizer. Whether the result is allowed is the policy's business, not ours.
import { dateTimeReader, type DateTimeReader } from './recognizer';

const UNIT_MINUTES: Readonly<Record<string, number>> = {
  d: 1440,
  day: 1440,
  days: 1440,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
};

const PART = /(\d+(?:[.,]\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])/gy;
const FILLER = /(?:\s+|,|\band\b|\bfor\b)*/y;
const CLOCK_STYLE = /^(\d{1,2}):([0-5]\d)$/;
/** Nobody needs a role for longer than this; it just keeps absurd numbers away from arithmetic. */
const MAX_PARSEABLE_MINUTES = 366 * 24 * 60;

/**
 * Minutes, rounded to a whole minute; null when the text is not a duration. `reader` meters the
 * recognizer across one message (a prompt's answer is one phrase and gets its own).
 */
export function parseDuration(text: string, reader: DateTimeReader = dateTimeReader()): number | null {
  const input = text.trim().toLowerCase();
  if (input === '' || input.length > 100) return null;
  const minutes = parseCompact(input) ?? parseClockStyle(input) ?? parseSpelledOut(input, reader);
  if (minutes === null || !Number.isFinite(minutes)) return null;
  const rounded = Math.round(minutes);
  return rounded > 0 && rounded <= MAX_PARSEABLE_MINUTES ? rounded : null;
}

function parseCompact(input: string): number | null {
  let position = 0;
  let total = 0;
  let parts = 0;
  const skipFiller = () => {
    FILLER.lastIndex = position;
    if (FILLER.exec(input)) position = FILLER.lastIndex;
  };
  skipFiller();
  while (position < input.length) {
    PART.lastIndex = position;
    const match = PART.exec(input);
    if (!match) return null;
    const amount = Number(match[1]!.replace(',', '.'));
    total += amount * UNIT_MINUTES[match[2]!]!;
    parts += 1;
    position = PART.lastIndex;
    skipFiller();
  }
  return parts > 0 ? total : null;
}

/** "1:30" reads as one hour thirty. */
function parseClockStyle(input: string): number | null {
  const match = CLOCK_STYLE.exec(input);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/**
 * A duration names its unit: the recognizer's own unit words (its English DurationUnitRegex and
 * DateUnitRegex), after a word break or a digit ("2h"). Text without one is not a duration, so it
 * costs no recognizer call ("9am tomorrow", "for for for").
 */
const DURATION_UNIT =
  /(?:\b|\d)(?:decades?|years?|months?|weeks?|weekends?|days?|fortnights?|nights?|h(?:ou)?rs?|h|min(?:ute)?s?|sec(?:ond)?s?)\b/;

function parseSpelledOut(input: string, reader: DateTimeReader): number | null {
  if (!DURATION_UNIT.test(input)) return null;
  const found = reader.read(input);
  if (found === null) return null;
  // Only accept a single duration covering the whole text, so "2 pm" or "call me in 2 hours" don't slip through.
  if (found.length !== 1) return null;
  const [result] = found;
  if (result?.typeName !== 'datetimeV2.duration' || result.text.trim() !== input) return null;
  const values = (result.resolution as { values?: Array<{ value?: string }> } | undefined)?.values;
  const seconds = Number(values?.[0]?.value);
  return Number.isFinite(seconds) ? seconds / 60 : null;
}
