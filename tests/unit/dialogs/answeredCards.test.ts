// Each wizard card, once answered, is updated in place into a read-only summary of what was
// chosen (updateActivity on the card's own activity id), so no old card keeps a stale value or a live button.
import assert from 'node:assert/strict';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import sinon from 'sinon';
import { cardOf, KEYS, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';

describe('answered wizard cards become read-only summaries', () => {
  let updates: Array<Partial<Activity>>;
  beforeEach(() => {
    updates = [];
    sinon.stub(TestAdapter.prototype, 'updateActivity').callsFake(async (_c: TurnContext, activity: Partial<Activity>) => {
      updates.push(activity);
    });
  });
  afterEach(() => sinon.restore());

  const strings = (a: Partial<Activity>) => JSON.stringify(cardOf(a));

  it('the role list, the duration and the justification cards are each replaced by what was chosen, with no buttons', async () => {
    const chat = startChat();
    const [list] = await chat.say('activate');
    const [duration] = await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.id, list!.id, 'the list card itself is updated');
    assert.match(strings(updates[0]!), /Role chosen[\s\S]*Global Reader/);
    assert.equal(submitActions(updates[0]!).length, 0, 'no live button left on it');

    const [form] = await chat.say(submit({ action: 'setDuration', duration: '2h' }));
    assert.equal(updates[1]!.id, duration!.id);
    assert.match(strings(updates[1]!), /Global Reader: 2 hours/);
    assert.equal(submitActions(updates[1]!).length, 0);

    await chat.say(submit({ action: 'submitJustification', justification: 'Quarterly review' }));
    assert.equal(updates[2]!.id, form!.id);
    assert.match(strings(updates[2]!), /Justification: Quarterly review/);
    assert.equal(submitActions(updates[2]!).length, 0);
  });

  it('a card asked again retires the earlier copy, and cancel retires the open one', async () => {
    const chat = startChat();
    const [first] = await chat.say('activate global reader');
    const [, second] = await chat.say('forever');
    assert.equal(updates[0]!.id, first!.id, 'the earlier copy is retired when the question is asked again');
    assert.match(strings(updates[0]!), /Asked again below/);
    await chat.say('cancel');
    assert.equal(updates[1]!.id, second!.id);
    assert.match(strings(updates[1]!), /Cancelled/);
    assert.equal(submitActions(updates[1]!).length, 0);
  });
});
