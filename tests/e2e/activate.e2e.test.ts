// Alice activates Global Reader by clicking through the cards of the real Agents Playground in
// Debian's Chromium, against the whole local stack (emulator, Azurite, bot) as `npm start` runs it.
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

describe('e2e: Alice activates a role in the Agents Playground (Chromium)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;
  let alice: PlaygroundPage;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pim-e2e-'));
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
    if (this.currentTest?.state === 'failed') await alice?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('"hi" shows the welcome card with her eligible roles', async () => {
    const card = await alice.say('hi');
    const text = await card.innerText();
    for (const role of ['Global Reader', 'User Administrator', 'Security Administrator']) assert.match(text, new RegExp(role));
  });

  it('picks Global Reader, 2h and a justification by clicking, and sees it active', async () => {
    const list = await alice.say('activate');
    const durationCard = await alice.expectNewCard(() =>
      alice.rowButton(list, 'Global Reader', 'Activate', 'User Administrator').click(),
    );
    assert.match(await durationCard.innerText(), /8 hours/, 'the limit comes from the policy');
    await durationCard.getByRole('textbox').first().fill('2h');
    const why = await alice.expectNewCard(() => durationCard.getByRole('button', { name: 'Next' }).click());
    await why.getByRole('textbox').first().fill('Quarterly access review');
    const result = await alice.expectNewCard(() => why.getByRole('button', { name: 'Activate' }).click());
    assert.match(await result.innerText(), /Global Reader is active from .+ until /);
    if (process.env.UPDATE_SCREENSHOTS === '1') await alice.screenshot('activate-global-reader', README_SCREENSHOTS);

    const active = stack.tenant.state.activeAssignments(DEMO_USERS.alice.id);
    const globalReader = active.find((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id);
    assert.ok(globalReader, 'the emulator holds the activation');
    assert.equal(globalReader.assignmentType, 'Activated');
    const hours = (Date.parse(globalReader.endDateTime ?? '') - Date.parse(globalReader.startDateTime)) / 3_600_000;
    assert.equal(hours, 2);
  });

  it('"my roles" lists Global Reader as active with the time left', async () => {
    const card = await alice.say('my roles');
    assert.match(await card.innerText(), /Global Reader[\s\S]*(left|until)/i);
  });
});
