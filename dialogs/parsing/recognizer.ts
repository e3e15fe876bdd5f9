// Microsoft's date-time recognizer, shared and metered. `recognizeDateTime` builds a new recognizer
// (every model of the culture) on each call; one model answers the same for every call, at a
// fraction of the cost. Each call still costs about a millisecond and grows faster than the text,
// so callers read short windows only, and one message gets a bounded number of calls (a `DateTimeReader`):
// however often a sentence repeats a time word, it costs what a sentence with a few of them does.
import { Culture, DateTimeRecognizer, type IDateTimeModel } from '@microsoft/recognizers-text-date-time';

export interface Recognized {
  readonly text: string;
  readonly typeName: string;
  readonly resolution?: unknown;
}

/** The longest text worth a call: a time or a duration phrase is a few words. */
export const MAX_RECOGNIZED_LENGTH = 60;

/**
 * Calls for one message. A request names one duration, one start and one end, each tried in at most
 * 6 windows (request.ts), longest first, and never across a reason or a ticket: the sentences in
 * tests/unit/dialogs use at most 3 calls, and a request that says all three ("for 90 minutes starting
 * tomorrow at 9am until 11am") 9. The rest leaves room for a false start ("for the team for 2 hours").
 */
export const CALLS_PER_MESSAGE = 16;

let model: IDateTimeModel | undefined;
let callsInProcess = 0;

/** Recognizer calls made by this process so far (the benchmark reports them per message). */
export function recognizerCalls(): number {
  return callsInProcess;
}

function shared(): IDateTimeModel {
  model ??= new DateTimeRecognizer(Culture.English).getDateTimeModel(Culture.English, true);
  return model;
}

/** Reads date-time phrases for one message; `null` once its calls are spent (the phrase is then not read). */
export interface DateTimeReader {
  read(text: string, reference?: Date): readonly Recognized[] | null;
}

export function dateTimeReader(budget = CALLS_PER_MESSAGE): DateTimeReader {
  // A hostile sentence repeats its windows; the same window against the same clock reads the same.
  const seen = new Map<string, readonly Recognized[]>();
  let calls = 0;
  return {
    read(text, reference) {
      if (text.length > MAX_RECOGNIZED_LENGTH) return [];
      const key = `${reference?.getTime() ?? ''}|${text}`;
      const known = seen.get(key);
      if (known) return known;
      if (calls >= budget) return null;
      calls++;
      callsInProcess++;
      const found = shared().parse(text, reference ?? new Date());
      seen.set(key, found);
      return found;
    },
  };
}
