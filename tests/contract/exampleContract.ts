// What the emulator contract tests share: send one of Microsoft's example requests (its ids mapped onto
// the demo tenant) and, per folder of contracts, one test per example comparing the answer's shape.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { call, type Reply } from '../integration/emulator/http';
import { assertSameShape, loadExamplePairs, type ExamplePair, type ShapeOptions } from '../support/shape';
import { tenantPerSuite } from '../support/tenant';

export interface ExampleCase {
  /** How the example is sent (shown in the test name), with the reason for any leniency. */
  readonly how: string;
  readonly shape?: ShapeOptions;
  /** Microsoft's sample itself deviates from the API (typos, a context URL under '@odata.type'): fixed before comparing. */
  readonly fixExample?: (response: unknown) => unknown;
  run(t: TenantEmulator, ex: ExamplePair): Promise<Reply>;
}

/** Sends the example request to the emulator with its ids replaced (URL and body). */
export function sendExample(t: TenantEmulator, ex: ExamplePair, token: string, ids: Record<string, string> = {}): Promise<Reply> {
  const map = (s: string) => Object.entries(ids).reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const url = map(ex.request.url).replace('https://graph.microsoft.com', t.url).replace('https://management.azure.com', t.url);
  const body = ex.request.body === null ? undefined : JSON.parse(map(JSON.stringify(ex.request.body)));
  return call(t, ex.request.method, url, { token, body });
}

/**
 * A suite over contracts/<folder>: every example must have a case, and each case's answer must succeed
 * with the example's fields and JSON types. `emptyStatus`: the status an example without a body answers.
 */
export function describeExampleContract(
  title: string,
  folder: string,
  cases: Readonly<Record<string, ExampleCase>>,
  options: { minExamples: number; emptyStatus?: number },
): void {
  describe(title, () => {
    const pairs = loadExamplePairs(folder);
    const tenant = tenantPerSuite();

    it('every example has a case', () => {
      assert.deepEqual(
        pairs.map((p) => p.op).filter((op) => !cases[op]),
        [],
      );
      assert.ok(pairs.length >= options.minExamples);
    });

    for (const ex of pairs) {
      const c = cases[ex.op];
      if (!c) continue;
      it(`${ex.op} (${c.how})`, async () => {
        const r = await c.run(tenant(), ex);
        assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${JSON.stringify(r.json)}`);
        if (ex.response === null) {
          if (options.emptyStatus !== undefined) assert.equal(r.status, options.emptyStatus);
          assert.equal(r.json, null);
          return;
        }
        const expected = c.fixExample ? c.fixExample(ex.response) : ex.response;
        const list = (expected as { value?: unknown[] }).value;
        if (Array.isArray(list) && list.length > 0)
          assert.ok((r.json.value as unknown[]).length > 0, 'the answer lists something to compare');
        assertSameShape(expected, r.json, '$', c.shape);
      });
    }
  });
}
