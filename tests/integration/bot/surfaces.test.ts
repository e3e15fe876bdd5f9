// One sentence on the other two surfaces, over HTTP with nothing stubbed: an Azure scope named by
// its resource group, and a PIM group; then "my access" lists both with time left and buttons.
import assert from 'node:assert/strict';
import { DEMO_GROUPS, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText, submitActions } from '../../support/botHarness';
import { requesterSuite } from './requesterHarness';

describe('one sentence on Azure resources and groups over HTTP', function () {
  this.timeout(60_000);
  const h = requesterSuite();

  const azureActive = () =>
    (h.tenant.state.data.azure.assignments ?? []).filter((a) => a.principalId === DEMO_USERS.alice.id && a.assignmentType === 'Activated');
  const groupActive = () =>
    (h.tenant.state.data.groupAssignments ?? []).filter(
      (a) => a.principalId === DEMO_USERS.alice.id && a.groupId === DEMO_GROUPS.sreOnCall.id && a.assignmentType === 'Activated',
    );

  it('"activate reader on rg-web for 30m" resolves the Azure scope by name and activates it', async () => {
    const [asked] = await h.say('activate reader on rg-web for 30m');
    assert.match(
      cardText(asked),
      /Why do you need Reader on rg-web \(Contoso Prod\)\?/,
      'only the justification its policy wants is asked',
    );
    const replies = await h.say('deploy hotfix');
    const text = replies.map(cardText).join('\n');
    assert.match(text, /Role activated|is in place/, text.slice(0, 500));
    const active = azureActive();
    assert.equal(active.length, 1);
    assert.match(active[0]!.scope, /\/resourceGroups\/rg-web$/i);
    assert.equal((Date.parse(active[0]!.endDateTime!) - Date.parse(active[0]!.startDateTime)) / 60_000, 30);
  });

  it('"activate sre on-call member for 1h" activates the group membership, and my access offers to deactivate it', async () => {
    // Alice is eligible as member and as owner: "sre on-call" alone is offered as a choice, never guessed.
    const ambiguous = await h.say('activate sre on-call for 1h');
    assert.match(ambiguous.map((r) => r.text ?? '').join('\n'), /More than one of your roles matches "sre on-call"/);
    await h.say('cancel');
    await h.say('activate sre on-call member for 1h');
    const replies = await h.say('incident 7');
    assert.match(replies.map(cardText).join('\n'), /Role activated|is in place/);
    assert.equal(groupActive().length, 1);
    const [mine] = await h.say('my access');
    assert.match(cardText(mine), /SRE On-Call/);
    assert.ok(
      submitActions(mine).some((a) => a.data['action'] === 'deactivate'),
      'a Deactivate button',
    );
    const deactivate = submitActions(mine).find((a) => a.data['action'] === 'deactivate')!;
    const [refused] = await h.say({ value: deactivate.data });
    assert.match(cardText(refused), /can't be deactivated yet/, 'PIM refuses in the first 5 minutes, and the bot says so');
    assert.equal(groupActive().length, 1);
  });
});
