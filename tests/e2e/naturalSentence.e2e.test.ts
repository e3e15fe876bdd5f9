// One natural sentence end to end, as people see it: the real Agents Playground in Debian's
// Chromium against the whole local stack as `npm start` runs it. Alice writes as she would at 3 a.m.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { startLocalStack, type LocalStack } from '../../scripts/localStack';
import { launchChromium } from '../support/browser';
import { PlaygroundPage } from '../support/playgroundPage';
import { freePort } from '../support/ports';

const README_SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

describe('e2e: one natural sentence in the Agents Playground (Chromium)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;
  let alice: PlaygroundPage | undefined;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pim-e2e-sentence-'));
    stack = await startLocalStack({
      dataDir,
      certDir: process.env.LOCAL_CERT_DIR ?? path.resolve('.data', 'certs'),
      tenantPort: 0,
      blobPort: 0,
      botPort: 0,
      personas: [{ persona: 'alice', port: await freePort() }],
    });
    browser = await launchChromium();
    alice = await PlaygroundPage.open(browser, stack.playgrounds[0]!.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await alice?.screenshot('failed-natural-sentence').catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('"I need global reader for an hour to check the audit logs" activates it in one message', async () => {
    const page = alice!;
    await page.say('I need global reader for an hour to check the audit logs');
    await page.waitForText(/Global Reader is active/);
    const [active] = stack.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id && a.assignmentType === 'Activated');
    assert.ok(active, 'the emulator shows her assignment active');
    assert.equal((Date.parse(active.endDateTime!) - Date.parse(active.startDateTime)) / 60_000, 60);
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot('natural-sentence', README_SCREENSHOTS);
  });
});
