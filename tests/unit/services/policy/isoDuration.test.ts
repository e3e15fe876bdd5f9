import assert from 'node:assert/strict';
import { formatIsoDurationMinutes, parseIsoDurationMinutes, parseIsoDurationMs } from '../../../../services/policy/isoDuration';

describe('services/policy ISO-8601 durations', () => {
  const cases: Array<[string, number]> = [
    ['PT8H', 480],
    ['PT1H45M', 105],
    ['PT30M', 30],
    ['PT5M', 5],
    ['PT90S', 1.5],
    ['P1D', 1440],
    ['P1DT2H', 1560],
    ['P365D', 365 * 1440],
    ['P180D', 180 * 1440],
    ['P2W', 2 * 7 * 1440],
    ['PT0.5H', 30],
    ['PT1,5H', 90],
    ['pt2h', 120],
  ];
  for (const [text, minutes] of cases) {
    it(`parses ${text} as ${minutes} minutes`, () => assert.equal(parseIsoDurationMinutes(text), minutes));
  }

  for (const bad of ['', 'P', 'PT', '8H', 'PT8', 'P1Y', 'P1M', 'PT-1H', 'P1H', 'PTH', 'PT8H ', 'banana']) {
    if (bad === 'PT8H ') continue; // trimmed input is accepted, see below
    it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseIsoDurationMs(bad), null));
  }

  it('tolerates surrounding whitespace', () => assert.equal(parseIsoDurationMinutes(' PT8H '), 480));

  const formats: Array<[number, string]> = [
    [120, 'PT2H'],
    [105, 'PT1H45M'],
    [5, 'PT5M'],
    [1.5, 'PT1M30S'],
    [0, 'PT0S'],
    [24 * 60, 'PT24H'],
  ];
  for (const [minutes, text] of formats) {
    it(`formats ${minutes} minutes as ${text}`, () => assert.equal(formatIsoDurationMinutes(minutes), text));
  }

  it('round-trips what it formats', () => {
    for (const m of [5, 59, 61, 239, 480, 1439]) assert.equal(parseIsoDurationMinutes(formatIsoDurationMinutes(m)), m);
  });

  it('refuses negative or non-finite minutes', () => {
    assert.throws(() => formatIsoDurationMinutes(-1), RangeError);
    assert.throws(() => formatIsoDurationMinutes(Number.NaN), RangeError);
  });
});
