// The per-tenant write line on fake timers: order, budget, closing again on a second 429, tenants
// apart, only 429s sent again, bounded memory.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PimError } from '../../../../services/pim/errors';
import { WriteLine, type RefusalOf } from '../../../../services/pim/writeLine';

class TooMany extends Error {
  constructor(readonly retryAfterMs: number | undefined) {
    super('429');
  }
}
class Unavailable extends Error {}

const refusalOf: RefusalOf = (e) => (e instanceof TooMany ? { retryAfterMs: e.retryAfterMs } : undefined);

/**
 * A fake upstream: every send is logged with its time; each answers after `latencyMs` with the next
 * scripted outcome for its write (default: accepted).
 */
function upstream(latencyMs = 10) {
  const sent: Array<{ name: string; at: number }> = [];
  const scripts = new Map<string, Array<'ok' | number | 'none' | 'down'>>();
  const send = (name: string) => async (): Promise<string> => {
    sent.push({ name, at: Date.now() });
    await new Promise((r) => setTimeout(r, latencyMs));
    const next = scripts.get(name)?.shift() ?? 'ok';
    if (next === 'ok') return name;
    if (next === 'down') throw new Unavailable('503');
    throw new TooMany(next === 'none' ? undefined : next);
  };
  return { sent, scripts, send, names: () => sent.map((s) => s.name) };
}

const isThrottled = (seconds?: number) => (e: unknown) =>
  e instanceof PimError && e.kind === 'throttled' && (seconds === undefined || e.details.retryAfterSeconds === seconds);

describe('services/pim WriteLine (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => clock.restore());

  it('without a 429, writes go out at once and side by side, and nothing is kept', async () => {
    const up = upstream();
    const line = new WriteLine(refusalOf);
    const all = Promise.all(['a', 'b', 'c'].map((n) => line.run('t1', up.send(n))));
    await clock.tickAsync(0);
    assert.deepEqual(up.names(), ['a', 'b', 'c']);
    await clock.tickAsync(10);
    assert.deepEqual(await all, ['a', 'b', 'c']);
    assert.equal(line.size, 0);
  });

  it('after a 429 every write of the tenant waits out its Retry-After, then they go oldest first, two at a time, more as they are answered', async () => {
    const up = upstream();
    up.scripts.set('a', [1_000]);
    const line = new WriteLine(refusalOf);
    const a = line.run('t1', up.send('a'));
    await clock.tickAsync(10); // a is refused: the line is closed until +1 s
    const b = line.run('t1', up.send('b'));
    await clock.tickAsync(100);
    const c = line.run('t1', up.send('c'));
    await clock.tickAsync(500);
    assert.deepEqual(up.names(), ['a'], 'nothing goes out inside the Retry-After');

    await clock.tickAsync(400); // the line reopens at +1,010 ms
    assert.deepEqual(up.names(), ['a', 'a', 'b'], 'the refused write first, and one more: c waits');
    await clock.tickAsync(10);
    assert.deepEqual(up.names(), ['a', 'a', 'b', 'c'], 'both answered without a 429: the next one');
    await clock.tickAsync(10);
    assert.deepEqual(await Promise.all([a, b, c]), ['a', 'b', 'c']);
    const reopened = up.sent[1]!.at - up.sent[0]!.at;
    assert.ok(reopened >= 1_010, `not before the Retry-After (${reopened} ms)`);
  });

  it('a write refused again closes the line again: the rest keep waiting, and the refused one keeps its place', async () => {
    const up = upstream();
    up.scripts.set('a', [1_000, 2_000]);
    const line = new WriteLine(refusalOf);
    const a = line.run('t1', up.send('a'));
    await clock.tickAsync(10);
    const b = line.run('t1', up.send('b'));
    const c = line.run('t1', up.send('c'));
    await clock.tickAsync(1_010); // a and b go; a is refused again at +1,020 for 2 s
    assert.deepEqual(up.names(), ['a', 'a', 'b']);
    await clock.tickAsync(1_900);
    assert.deepEqual(up.names(), ['a', 'a', 'b'], 'c did not fire when a was refused again');
    const d = line.run('t1', up.send('d'));
    await clock.tickAsync(300);
    assert.deepEqual(await Promise.all([a, b, c, d]), ['a', 'b', 'c', 'd']);
    assert.deepEqual(up.names(), ['a', 'a', 'b', 'a', 'c', 'd'], 'a is still first: it came first');
    assert.ok(up.sent[3]!.at >= up.sent[1]!.at + 10 + 2_000, 'not before the second Retry-After');
  });

  it('a write that could not go out within its budget is answered throttled at once, with when the line expects to reach it', async () => {
    const up = upstream();
    up.scripts.set('a', [6_000]);
    const line = new WriteLine(refusalOf);
    // Longer than one wait may be: told now, with the Retry-After in whole seconds.
    await assert.rejects(
      Promise.all([line.run('t1', up.send('a')), clock.tickAsync(10)]).then(([x]) => x),
      isThrottled(6),
    );
    assert.deepEqual(up.names(), ['a'], 'not sent again into a long Retry-After');
    // Arriving meanwhile: the line is closed for 6 s more than this write may wait.
    await assert.rejects(line.run('t1', up.send('b')), isThrottled(6));
    assert.deepEqual(up.names(), ['a']);
  });

  it('estimates a write by its place: the Retry-After plus the writes ahead at the pace the line was answered', async () => {
    const up = upstream(100);
    const line = new WriteLine(refusalOf);
    up.scripts.set('p', [100]);
    const p = line.run('t1', up.send('p'));
    await clock.tickAsync(300); // refused at 100, sent again at 200, answered at 300
    await p;
    for (let i = 0; i < 10; i++) {
      const q = line.run('t1', up.send(`q${i}`));
      await clock.tickAsync(100);
      await q; // eleven answers in all, one every 100 ms
    }
    up.scripts.set('r', [3_000]);
    const r = line.run('t1', up.send('r'));
    await clock.tickAsync(100); // refused: closed for 3 s
    const answers: unknown[] = [];
    const w = Array.from({ length: 25 }, (_, i) =>
      line.run('t1', up.send(`w${i}`)).then(
        (x) => x,
        (e: unknown) => (answers[i] = e),
      ),
    );
    // Place i + 1 goes at about 3 s + (i + 1) × 100 ms: the first 20 within the 5 s one wait may take.
    await clock.tickAsync(0);
    assert.equal(answers.filter((e) => e !== undefined).length, 5, 'the last five are told at once');
    for (const e of answers.slice(20)) assert.ok(isThrottled(6)(e), 'told 3 s + 21 × 100 ms, rounded up');
    await clock.tickAsync(3_000 + 2_000);
    assert.equal(await r, 'r');
    assert.deepEqual(
      await Promise.all(w.slice(0, 20)),
      Array.from({ length: 20 }, (_, i) => `w${i}`),
    );
    assert.deepEqual(
      up.names().filter((n) => n.startsWith('w')),
      Array.from({ length: 20 }, (_, i) => `w${i}`),
      'oldest first, and the told ones never sent',
    );
  });

  it('a waiting write whose budget runs out while the line stays closed is answered then, with the time still to wait', async () => {
    const up = upstream();
    up.scripts.set('a', [3_000, 3_000, 3_000]);
    up.scripts.set('b', [3_000, 3_000, 3_000]);
    const line = new WriteLine(refusalOf);
    const a = line.run('t1', up.send('a')).catch((e: unknown) => e);
    const b = line.run('t1', up.send('b')).catch((e: unknown) => e);
    await clock.tickAsync(10);
    const c = line.run('t1', up.send('c')).catch((e: unknown) => e);
    // a and b: refused at 10, 3,020 and 6,030 (then closed until 9,030, past their budgets of 8 s).
    await clock.tickAsync(6_100);
    assert.ok(isThrottled(3)(await a));
    assert.ok(isThrottled(3)(await b));
    // c's budget ends at 8,010 with the line closed until 9,030: told the 1.02 s left, rounded up.
    await clock.tickAsync(1_910);
    assert.ok(isThrottled(2)(await c));
    assert.deepEqual(up.names(), ['a', 'b', 'a', 'b', 'a', 'b'], 'c was never sent');
  });

  it("one tenant's 429 does not hold another tenant's writes", async () => {
    const up = upstream();
    up.scripts.set('a', [3_000]);
    const line = new WriteLine(refusalOf);
    const a = line.run('t1', up.send('a'));
    await clock.tickAsync(10);
    const b = line.run('t1', up.send('b'));
    const other = line.run('t2', up.send('other'));
    await clock.tickAsync(10);
    assert.equal(await other, 'other');
    assert.deepEqual(up.names(), ['a', 'other']);
    await clock.tickAsync(3_100);
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
  });

  it('sends again only after a 429: a 503 (the write may have run) is the answer, and a 429 without a time is not guessed at', async () => {
    const up = upstream();
    up.scripts.set('a', ['down']);
    up.scripts.set('b', ['none']);
    const line = new WriteLine(refusalOf);
    await assert.rejects(Promise.all([line.run('t1', up.send('a')), clock.tickAsync(10)]), Unavailable);
    await assert.rejects(Promise.all([line.run('t1', up.send('b')), clock.tickAsync(10)]), TooMany);
    assert.deepEqual(up.names(), ['a', 'b']);
  });

  it('gives up after its re-sends when others keep winning the freed quota', async () => {
    const up = upstream();
    up.scripts.set('a', [500, 500, 500]);
    const line = new WriteLine(refusalOf, { maxResends: 2 });
    const a = line.run('t1', up.send('a'));
    const settled = a.catch((e: unknown) => e);
    await clock.tickAsync(2_000);
    assert.ok(isThrottled(1)(await settled));
    assert.deepEqual(up.names(), ['a', 'a', 'a']);
  });

  it('bounded: writes beyond the waiting limit are answered at once, tenants beyond the limit go without a line, idle lines are forgotten', async () => {
    const up = upstream();
    up.scripts.set('a', [2_000]);
    const line = new WriteLine(refusalOf, { maxWaiting: 3, maxTenants: 1 });
    const a = line.run('t1', up.send('a'));
    await clock.tickAsync(10);
    const waiting = ['b', 'c'].map((n) => line.run('t1', up.send(n)));
    await assert.rejects(line.run('t1', up.send('d')), isThrottled(), 'a, b, c wait; d does not');
    // A second tenant while the one line is taken: its write goes out as it is.
    const other = line.run('t2', up.send('other'));
    await clock.tickAsync(10);
    assert.equal(await other, 'other');
    assert.equal(line.size, 1);
    await clock.tickAsync(2_100);
    assert.deepEqual(await Promise.all([a, ...waiting]), ['a', 'b', 'c']);
    // Calm for a while: the line is forgotten with the next write's answer.
    await clock.tickAsync(31_000);
    const later = line.run('t1', up.send('e'));
    await clock.tickAsync(10);
    assert.equal(await later, 'e');
    assert.equal(line.size, 0);
  });
});
