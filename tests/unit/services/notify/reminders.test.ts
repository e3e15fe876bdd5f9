import assert from 'node:assert/strict';
import { mergeTracked, reminderDueAt, ReminderSchedule, type TrackedAccess } from '../../../../services/notify/reminders';

const T0 = Date.UTC(2025, 2, 3, 10, 0);
const access = (key: string, minutesLeft: number): TrackedAccess => ({
  key,
  label: key,
  endDateTime: new Date(T0 + minutesLeft * 60_000).toISOString(),
  canExtend: false,
});

function fakeTimers() {
  let now = T0;
  const timers: Array<{ at: number; run: () => void; cleared: boolean }> = [];
  return {
    port: {
      now: () => now,
      setTimer: (run: () => void, ms: number) => {
        const t = { at: now + ms, run, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimer: (h: unknown) => void ((h as { cleared: boolean }).cleared = true),
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => !x.cleared && x.at <= now)) {
        t.cleared = true;
        t.run();
      }
    },
  };
}

describe('services/notify reminders', () => {
  it('is due ten minutes before the end, at once when closer, never after the end', () => {
    assert.equal(reminderDueAt(access('a', 60), T0), T0 + 50 * 60_000);
    assert.equal(reminderDueAt(access('a', 3), T0), T0);
    assert.equal(reminderDueAt(access('a', -1), T0), null);
  });

  it('fires once per access and end, and a reschedule replaces the old timers', () => {
    const timers = fakeTimers();
    const fired: string[] = [];
    const schedule = new ReminderSchedule(timers.port, (user, a) => fired.push(`${user}:${a.key}`));
    schedule.schedule('alice', [access('reader', 60), access('sre', 30)]);
    schedule.schedule('alice', [access('reader', 60)]);
    timers.advance(60 * 60_000);
    assert.deepEqual(fired, ['alice:reader']);
    assert.deepEqual(schedule.pending(), []);
  });

  it('does not repeat a reminder already sent (restart safety)', () => {
    const timers = fakeTimers();
    const fired: string[] = [];
    const schedule = new ReminderSchedule(timers.port, (_u, a) => fired.push(a.key));
    const a = access('reader', 60);
    schedule.schedule('alice', [a], new Set([`alice|reader|${a.endDateTime}`]));
    timers.advance(60 * 60_000);
    assert.deepEqual(fired, []);
  });

  it('merges by key and drops what ended', () => {
    const merged = mergeTracked([access('a', 10), access('b', -5)], [access('a', 40)], T0);
    assert.deepEqual(
      merged.map((m) => [m.key, m.endDateTime]),
      [['a', access('a', 40).endDateTime]],
    );
  });
});
