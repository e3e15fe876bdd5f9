// Approvals that prove the approver (issue 20) as people see them: the real Agents Playground in
// Debian's Chromium against the whole local stack as `npm start` runs it. The personas' Teams sessions
// signed in with MFA an hour ago, so Bob's Approve on User Administrator (MFA within 10 minutes by
// default) answers the sign-in card; he follows its button through the emulator's sign-in page, and
// his card and Alice's then show the approval "with MFA".
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PersonaName } from '../../emulator/chat/personas';
import { DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { startLocalStack, type LocalStack } from '../../scripts/localStack';
import { launchChromium } from '../support/browser';
import { PlaygroundPage } from '../support/playgroundPage';
import { freePort } from '../support/ports';

const README_SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const PERSONAS: readonly PersonaName[] = ['alice', 'bob', 'dave'];

describe('e2e: an approver steps up before his approval counts (Agents Playground, Chromium)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;
  const tabs = new Map<PersonaName, PlaygroundPage>();
  const tab = (persona: PersonaName): PlaygroundPage => tabs.get(persona)!;
  const keepForReadme = async (persona: PersonaName, name: string): Promise<void> => {
    if (process.env.UPDATE_SCREENSHOTS === '1') await tab(persona).screenshot(name, README_SCREENSHOTS);
  };

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pim-e2e-stepup-'));
    const personas = await Promise.all(PERSONAS.map(async (persona) => ({ persona, port: await freePort() })));
    stack = await startLocalStack({
      dataDir,
      certDir: process.env.LOCAL_CERT_DIR ?? path.resolve('.data', 'certs'),
      tenantPort: 0,
      blobPort: 0,
      botPort: 0,
      personas,
    });
    // Before anyone's first turn: the sessions are an hour old (the Playground's own start at most 10 minutes ago).
    stack.tenant.stepUp.signIn({ sessionAgeSeconds: 3600 });
    browser = await launchChromium();
    for (const playground of stack.playgrounds) tabs.set(playground.persona, await PlaygroundPage.open(browser, playground.url));
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [persona, page] of tabs) await page.screenshot(`failed-approver-step-up-${persona}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Bob clicks Approve, gets the sign-in button, signs in on the sign-in page; his card and Alice\'s show the approval "with MFA"', async () => {
    const alice = tab('alice');
    const bob = tab('bob');
    const dave = tab('dave');
    await alice.say('activate User Administrator for 2h ticket INC-42 because fixing login');
    await alice.waitForText(/waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/i);

    const card = await bob.waitForCard(/Alice Adams asks for User Administrator/, 10_000);
    await card.getByRole('button', { name: 'Approve' }).click();
    await bob.waitForText(/Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA/);
    // Action.OpenUrl: the Playground renders it as a link-like action, not a role=button.
    const signIn = bob.page.getByText('Sign in to approve', { exact: true }).last();
    await signIn.waitFor({ state: 'visible' });
    // The notice at the top of the card in view, for the picture.
    await bob.page
      .getByText(/Nothing decided yet/)
      .last()
      .evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await keepForReadme('bob', 'approver-step-up-card');
    assert.ok(
      !stack.tenant.state.activeAssignments(DEMO_USERS.alice.id).some((a) => a.roleDefinitionId === DEMO_ROLES.userAdministrator.id),
      'nothing decided yet',
    );

    // The button opens the emulator's sign-in page (Action.OpenUrl) in a new tab. This Chromium does not
    // trust the local CA (Debian's NSS store), so the URL that tab asked for is opened again in a
    // context that accepts the local certificate; Bob continues there and lands on the bot's callback.
    const asked = bob.page
      .context()
      .waitForEvent('request', { predicate: (r) => /\/oauth2\/v2\.0\/authorize\?/.test(r.url()), timeout: 10_000 });
    await signIn.click();
    const signInUrl = (await asked).url();
    assert.match(signInUrl, /claims=/, 'the sign-in carries the claims challenge');
    const trusted = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 600 } });
    await trusted.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
    const popup = await trusted.newPage();
    await popup.goto(signInUrl);
    await signInThroughPage(popup);
    await popup.getByText(/You're verified/).waitFor({ state: 'visible', timeout: 15_000 });
    await trusted.close();

    await bob.waitForText(/Approved by Bob Brown/);
    await bob.waitForText(/Bob Brown was verified with MFA/);
    await dave.waitForText(/Bob Brown was verified with MFA/);
    await alice.waitForText(/Bob Brown approved your request for User Administrator[\s\S]*verified with MFA/i);
    assert.ok(
      stack.tenant.state.activeAssignments(DEMO_USERS.alice.id).some((a) => a.roleDefinitionId === DEMO_ROLES.userAdministrator.id),
      'active at PIM',
    );
    await keepForReadme('bob', 'approver-step-up-decided');
  });
});

/** The emulator's sign-in page: one Continue button (the stand-in for Entra's MFA prompt). */
async function signInThroughPage(page: Page): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await page.getByRole('button').first().click();
  await page.waitForLoadState('domcontentloaded');
}
