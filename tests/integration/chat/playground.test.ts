import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startPlayground, type RunningPlayground } from '../../../emulator/chat/playground';
import { DEMO_TENANT_ID, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { freePort } from '../../support/ports';

interface PlaygroundUser { aadObjectId: string; name: string }
interface PlaygroundConfig { tenantId: string; currentUser: PlaygroundUser; users: PlaygroundUser[] }

describe('Agents Playground with a generated persona config (real Playground)', function () {
  this.timeout(90_000);
  let workDir: string;
  let playground: RunningPlayground | undefined;

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'pim-playground-'));
    playground = await startPlayground({
      persona: 'dave',
      port: await freePort(),
      botEndpoint: 'http://127.0.0.1:9/api/messages',
      workDir,
    });
  });

  after(async () => {
    await playground?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('accepts the config and signs in as the persona of the demo tenant', async () => {
    const response = await fetch(`${playground!.url}/_internal/v1/config`);
    assert.equal(response.status, 200);
    const { config } = (await response.json()) as { config: PlaygroundConfig };
    assert.equal(config.tenantId, DEMO_TENANT_ID);
    assert.equal(config.currentUser.aadObjectId, DEMO_USERS.dave.id);
    assert.equal(config.currentUser.name, 'Dave Diaz');
    assert.equal(config.users.length, 5);
    assert.ok(config.users.some((u) => u.aadObjectId === DEMO_USERS.alice.id));
  });
});
