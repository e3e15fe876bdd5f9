import assert from 'node:assert/strict';
import { idleMemoryCheck } from '../../../bot/idleMemory';

const MB = 1024 * 1024;

describe('releasing memory once the bot is idle (bot/idleMemory)', () => {
  function setup(initialRss: number) {
    const state = { rss: initialRss, busy: 0, gcs: 0 };
    const check = idleMemoryCheck({
      gc: () => {
        state.gcs++;
        state.rss = initialRss + 10 * MB; // what a last-resort collection gives back to
      },
      rss: () => state.rss,
      utilization: () => state.busy,
      maxUtilization: 0.02,
      minGrowthBytes: 64 * MB,
    });
    return { state, check };
  }

  it('collects once when the process is idle and well above where it was', () => {
    const { state, check } = setup(220 * MB);
    state.rss = 660 * MB;
    assert.equal(check(), true);
    assert.equal(state.gcs, 1);
    // Back near the baseline: nothing more to give back until it grows again.
    assert.equal(check(), false);
    assert.equal(state.gcs, 1);
  });

  it('never collects while turns are running, however large the process is', () => {
    const { state, check } = setup(220 * MB);
    state.rss = 900 * MB;
    state.busy = 0.3;
    assert.equal(check(), false);
    assert.equal(state.gcs, 0);
  });

  it('leaves a process alone that has not grown by the threshold', () => {
    const { state, check } = setup(220 * MB);
    state.rss = 260 * MB;
    assert.equal(check(), false);
    assert.equal(state.gcs, 0);
  });
});
