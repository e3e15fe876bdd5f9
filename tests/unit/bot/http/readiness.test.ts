// /readyz is public: however often it is called, storage, the token endpoint and Graph see at most
// one readiness check per cache period, and concurrent callers share the one in flight.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { loadConfig } from '../../../../bot/config';
import { cachedReadiness, type Readiness, type ReadinessCheck } from '../../../../bot/http/health';
import { createBotApp, type BotApp } from '../../../../bot/server';
import { silentLogger } from '../../../../dialogs/deps';
import type { PimService } from '../../../../services/pim/service';

describe('readiness cache', () => {
  it('shares one check among concurrent callers and answers from it until it is 5 s old', async () => {
    let now = 0;
    let runs = 0;
    let release: (r: Readiness) => void = () => undefined;
    const readiness = cachedReadiness(
      () => {
        runs++;
        return new Promise<Readiness>((resolve) => (release = resolve));
      },
      { ttlMs: 5000, clock: () => now },
    );
    const waiting = Array.from({ length: 20 }, () => readiness());
    assert.equal(runs, 1, 'one check for twenty concurrent callers');
    release({ ready: true, checks: { storage: 'ok' } });
    for (const r of await Promise.all(waiting)) assert.deepEqual(r, { ready: true, checks: { storage: 'ok' } });

    now += 4999;
    await readiness();
    assert.equal(runs, 1, 'still fresh');
    now += 1;
    const again = readiness();
    assert.equal(runs, 2, 'checked again once the result is 5 s old');
    release({ ready: false, checks: { storage: 'failed' } });
    assert.equal((await again).ready, false);
    assert.equal((await readiness()).ready, false, 'a failure is cached too: a flood of probes cannot hammer a struggling dependency');
    assert.equal(runs, 2);
  });

  it('over HTTP: a hundred /readyz calls run the checks once, and again after the cache period', async () => {
    let clock = 0;
    const runs = { storage: 0, graph: 0 };
    let graphUp = true;
    const checks: ReadinessCheck[] = [
      { name: 'storage', run: async () => void runs.storage++ },
      {
        name: 'graph',
        run: async () => {
          runs.graph++;
          if (!graphUp) throw new Error('graph down');
        },
      },
    ];
    const config = loadConfig({
      LOCAL_TENANT_URL: 'https://localhost:1',
      LOCAL_TENANT_ID: 'c0de0000-0000-4000-8000-00000000c0de',
      LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
      LOCAL_CLIENT_SECRET: 'not-used-in-this-test',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    const app: BotApp = createBotApp(config, {
      storage: new MemoryStorage(),
      pim: {} as PimService,
      logger: silentLogger,
      readinessChecks: checks,
      readinessClock: () => clock,
    });
    const { port } = await app.listen(0, '127.0.0.1');
    const readyz = async (): Promise<[number, unknown]> => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return [response.status, await response.json()];
    };
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, readyz));
      for (let i = 0; i < 50; i++) answers.push(await readyz());
      for (const answer of answers) assert.deepEqual(answer, [200, { status: 'ready', checks: { storage: 'ok', graph: 'ok' } }]);
      assert.deepEqual(runs, { storage: 1, graph: 1 }, 'one check for 100 calls');

      graphUp = false;
      clock += 5000;
      assert.deepEqual(await readyz(), [503, { status: 'not ready', checks: { storage: 'ok', graph: 'failed' } }]);
      assert.deepEqual(await readyz(), [503, { status: 'not ready', checks: { storage: 'ok', graph: 'failed' } }]);
      assert.deepEqual(runs, { storage: 2, graph: 2 }, 'checked again after the cache period, once');
    } finally {
      await app.close();
    }
  });
});
