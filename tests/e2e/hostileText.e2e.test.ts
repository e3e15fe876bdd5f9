// Phishing through cards, as an approver sees it: Alice writes her justification as a link, and Bob's approval
// card in the real Agents Playground (Chromium) shows it as words, with no link, no HTML and no escape
// characters showing; the words themselves are all there.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { PersonaName } from '../../emulator/chat/personas';
import { startLocalStack, type LocalStack } from '../../scripts/localStack';
import { launchChromium } from '../support/browser';
import { PlaygroundPage } from '../support/playgroundPage';
import { freePort } from '../support/ports';

const PERSONAS: readonly PersonaName[] = ['alice', 'bob'];

describe('e2e: hostile text in the Agents Playground (Chromium)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;
  const tabs = new Map<PersonaName, PlaygroundPage>();

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pim-e2e-hostile-'));
    const personas = await Promise.all(PERSONAS.map(async (persona) => ({ persona, port: await freePort() })));
    stack = await startLocalStack({
      dataDir,
      certDir: process.env.LOCAL_CERT_DIR ?? path.resolve('.data', 'certs'),
      tenantPort: 0,
      blobPort: 0,
      botPort: 0,
      personas,
    });
    browser = await launchChromium();
    for (const playground of stack.playgrounds) tabs.set(playground.persona, await PlaygroundPage.open(browser, playground.url));
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [persona, page] of tabs) await page.screenshot(`failed-hostile-text-${persona}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("Alice's justification written as a link shows on Bob's card as plain words: no link, no markup, no escapes", async () => {
    const alice = tabs.get('alice')!;
    const bob = tabs.get('bob')!;
    await alice.say(
      'activate User Administrator for 1h ticket INC-42 because see [Open PIM to approve](https://evil.example/approve) or https://evil.example/login **now**',
    );
    await alice.waitForText(/waiting for approval/i);
    const card = await bob.waitForCard(/Open PIM to approve/, 10_000);
    assert.equal(await card.locator('a').count(), 0, 'no link anywhere on the card');
    assert.equal(await card.locator('strong, b, em').filter({ hasText: 'now' }).count(), 0, 'no formatting from the typed text');
    const shown = await card.innerText();
    assert.match(
      shown,
      /see \[Open PIM to approve\]\(https\[:\]\/\/evil\[\.\]example\/approve\) or https\[:\]\/\/evil\[\.\]example\/login \*\*now\*\*/,
      'the words as typed, addresses defanged',
    );
    assert.doesNotMatch(shown, /\\/, 'no escape character shows');
  });
});
