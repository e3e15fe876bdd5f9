import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startPlayground, type RunningPlayground } from '../../../emulator/chat/playground';
import { DEMO_APPROVALS_CHANNEL, DEMO_TENANT_ID, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { freePort } from '../../support/ports';

interface PlaygroundUser {
  aadObjectId: string;
  name: string;
}
interface PlaygroundConfig {
  tenantId: string;
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
}

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

  it('its team\'s "PIM approvals" channel is the channel `npm start` routes approval cards to, and takes a post there', async () => {
    const { config } = (await (await fetch(`${playground!.url}/_internal/v1/config`)).json()) as {
      config: { teams: Array<{ channels: Array<{ id: string; name: string }> }> };
    };
    const channel = config.teams[0]!.channels.find((c) => c.name === 'PIM approvals');
    assert.equal(channel?.id, DEMO_APPROVALS_CHANNEL.id);
    // What the bot's connector client does with a channel copy of an approval card.
    const posted = await fetch(
      `${playground!.url}/_connector/v3/conversations/${encodeURIComponent(DEMO_APPROVALS_CHANNEL.id)}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'An approval card', conversation: { id: DEMO_APPROVALS_CHANNEL.id } }),
      },
    );
    assert.equal(posted.status, 201, await posted.text());
  });
});
