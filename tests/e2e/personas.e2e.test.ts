// The product as people see it: the real Agents Playground, one tab per persona, in Debian's
// Chromium, against the whole local stack (emulator, Azurite, bot) as `npm start` runs it.
// The scenarios build on each other, in order: a requester, her approvers, an admin.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { PersonaName } from '../../emulator/chat/personas';
import { DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { startLocalStack, type LocalStack } from '../../scripts/localStack';
import { launchChromium } from '../support/browser';
import { PlaygroundPage } from '../support/playgroundPage';
import { freePort } from '../support/ports';

const README_SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const PERSONAS: readonly PersonaName[] = ['alice', 'bob', 'carol', 'dave'];

describe('e2e: every persona in the Agents Playground (Chromium)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let stack: LocalStack;
  let browser: Browser;
  const tabs = new Map<PersonaName, PlaygroundPage>();
  const tab = (persona: PersonaName): PlaygroundPage => {
    const page = tabs.get(persona);
    if (!page) throw new Error(`no tab for ${persona}`);
    return page;
  };
  const keepForReadme = async (persona: PersonaName, name: string): Promise<void> => {
    if (process.env.UPDATE_SCREENSHOTS === '1') await tab(persona).screenshot(name, README_SCREENSHOTS);
  };
  const activeRoles = (userId: string): string[] => stack.tenant.state.activeAssignments(userId).map((a) => a.roleDefinitionId);

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pim-e2e-'));
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
    // Opening a tab installs the app for that persona, so the bot can reach them later.
    for (const playground of stack.playgrounds) tabs.set(playground.persona, await PlaygroundPage.open(browser, playground.url));
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const title = this.currentTest.title.replace(/\W+/g, '-').slice(0, 60);
    for (const [persona, page] of tabs) await page.screenshot(`failed-${title}-${persona}`).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('1. Alice activates Global Reader by clicking through the cards and sees it active', async () => {
    const alice = tab('alice');
    const welcome = await alice.say('hi');
    for (const role of ['Global Reader', 'User Administrator', 'Security Administrator']) {
      assert.match(await welcome.innerText(), new RegExp(role));
    }
    const list = await alice.say('activate');
    const durationCard = await alice.expectNewCard(() => alice.rowButton(list, 'Global Reader', 'Activate', 'User Administrator').click());
    assert.match(await durationCard.innerText(), /8 hours/, 'the limit comes from the policy');
    await durationCard.getByRole('textbox').first().fill('2h');
    const why = await alice.expectNewCard(() => durationCard.getByRole('button', { name: 'Next' }).click());
    await why.getByRole('textbox').first().fill('Quarterly access review');
    await why.getByRole('button', { name: 'Activate' }).click();
    await alice.waitForText(/Global Reader is (active|in place)/);
    await keepForReadme('alice', 'requester-activates-global-reader');

    const record = stack.tenant.state.activeAssignments(DEMO_USERS.alice.id).find((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id);
    assert.ok(record, 'the emulator holds the activation');
    assert.equal(record.assignmentType, 'Activated');
    assert.equal((Date.parse(record.endDateTime ?? '') - Date.parse(record.startDateTime)) / 3_600_000, 2);

    const mine = await alice.say('my roles');
    assert.match(await mine.innerText(), /Global Reader[\s\S]*(left|until)/i);
  });

  it('2. Alice requests User Administrator; Bob approves in his tab; Dave and Alice see the outcome', async () => {
    const alice = tab('alice');
    const bob = tab('bob');
    const dave = tab('dave');
    await alice.say('activate User Administrator for 2h ticket INC-42 because fixing login');
    await alice.waitForText(/waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/i);
    assert.ok(!activeRoles(DEMO_USERS.alice.id).includes(DEMO_ROLES.userAdministrator.id));

    // The approval card reaches both approvers' 1:1 chats within seconds.
    const bobCard = await bob.waitForCard(/User Administrator[\s\S]*Alice Adams|Alice Adams[\s\S]*User Administrator/, 5_000);
    await dave.waitForCard(/User Administrator/, 5_000);
    await keepForReadme('bob', 'approver-card');
    await bobCard.getByRole('button', { name: 'Approve' }).click();

    await bob.waitForText(/Approved by Bob Brown/);
    await dave.waitForText(/Approved by Bob Brown/);
    // The Playground reports the reader's zone, so the message sent outside her turn gives her own time, in words.
    await alice.waitForText(
      /Bob Brown approved your request for User Administrator\. It is active now, until \w{3}, \w{3} \d+, \d{4} \d+:\d\d\s[AP]M\./,
    );
    await keepForReadme('alice', 'requester-told-outcome');
    assert.ok(activeRoles(DEMO_USERS.alice.id).includes(DEMO_ROLES.userAdministrator.id), 'active at PIM');
  });

  it('2b. Alice asks to own SRE On-Call; Bob opens his queue and approves from it; every copy follows', async () => {
    const alice = tab('alice');
    const bob = tab('bob');
    const dave = tab('dave');
    await alice.say('activate SRE On-Call owner for 1h because rotate the pager');
    await alice.waitForText(/waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/i);
    await bob.waitForCard(/Alice Adams asks for Owner of SRE On-Call/, 5_000);
    await dave.waitForCard(/Alice Adams asks for Owner of SRE On-Call/, 5_000);

    const queued = await bob.say("what's waiting for me?");
    await bob.waitForText(/One request is waiting for your decision/);
    assert.match(await queued.innerText(), /Alice Adams asks for Owner of SRE On-Call[\s\S]*Owners manage SRE On-Call/);
    await queued.getByRole('button', { name: 'Approve' }).click();

    await bob.waitForText(/Approved by Bob Brown/);
    await dave.waitForCard(/Approved by Bob Brown[\s\S]*Owner of SRE On-Call/);
    await alice.waitForText(/Bob Brown approved your request for Owner of SRE On-Call/i);
  });

  it('3. Carol asks "who has User Administrator" and sees Alice', async () => {
    const carol = tab('carol');
    const answer = await carol.say('who has User Administrator');
    assert.match(await answer.innerText(), /Alice Adams/);
    await keepForReadme('carol', 'admin-who-has');
    // A text answer, in Carol's own time zone (the Playground reports it), not UTC.
    await carol.send("who approved alice's last request");
    await carol.waitForText(
      /Bob Brown(?: \(verified[^)]*\))? approved Alice Adams's last request, for .+ \(\w{3}, \w{3} \d+, \d{4} \d+:\d\d\s[AP]M\)/,
    );
    await keepForReadme('carol', 'admin-who-approved');
  });
});
