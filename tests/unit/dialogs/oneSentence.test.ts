// The one-sentence path over DialogTestClient('msteams'): what a sentence fills in, what it asks,
// and that it never guesses. Alice has eligibilities on all three surfaces (see surfaces.ts).
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PimError } from '../../../services/pim/errors';
import type { ActivationInput } from '../../../services/pim/model';
import { cardText, fakePim, KEYS, NOW, replyText, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';
import { allSurfaces, SURFACE_KEYS } from './surfaces';

interface Expected {
  readonly keys: readonly string[];
  readonly minutes: number;
  readonly justification?: string;
  readonly ticket?: string;
  readonly start?: string;
}

/** Sends the sentence and returns what reached PIM (all inputs of the one activateMany call). */
async function activatedBy(sentence: string): Promise<{ inputs: readonly ActivationInput[]; replies: string }> {
  const pim = fakePim(allSurfaces());
  const many = sinon.spy(pim.service, 'activateMany');
  const chat = startChat(pim);
  const replies = await chat.say(sentence);
  return { inputs: many.firstCall?.args[1] ?? [], replies: replies.map(replyText).join('\n') };
}

describe('one sentence does it', () => {
  const table: Array<[string, Expected]> = [
    [
      'activate User Administrator for 2h ticket INC-42 because fixing login',
      { keys: [KEYS.userAdministrator], minutes: 120, ticket: 'INC-42', justification: 'fixing login' },
    ],
    [
      'activate User Administrator for 2h, ticket INC-42, fixing login',
      { keys: [KEYS.userAdministrator], minutes: 120, ticket: 'INC-42', justification: 'fixing login' },
    ],
    ['activate reader on rg-web for 30m', { keys: [SURFACE_KEYS.readerWeb], minutes: 30 }],
    ['activate Reader in rg-web for 30 minutes', { keys: [SURFACE_KEYS.readerWeb], minutes: 30 }],
    ['activate reader on rg-wbe for 30m', { keys: [SURFACE_KEYS.readerWeb], minutes: 30 }],
    ['activate Contributor for 2h on Contoso Prod', { keys: [SURFACE_KEYS.contributor], minutes: 120 }],
    ['activate sre on-call for 90 minutes', { keys: [SURFACE_KEYS.sre], minutes: 90 }],
    ['actvate SRE On-Call for 1.5 hours', { keys: [SURFACE_KEYS.sre], minutes: 90 }],
    ['activate SRE On-Cal for 1h30m', { keys: [SURFACE_KEYS.sre], minutes: 90 }],
    ['activate sre on-call for an hour', { keys: [SURFACE_KEYS.sre], minutes: 60 }],
    ['activate sre on-call 45 mins', { keys: [SURFACE_KEYS.sre], minutes: 45 }],
    ['please activate the SRE On-Call group for 2 hours', { keys: [SURFACE_KEYS.sre], minutes: 120 }],
    ['for 2h activate sre on-call', { keys: [SURFACE_KEYS.sre], minutes: 120 }],
    [
      'activate global reader for 2h because quarterly audit',
      { keys: [KEYS.globalReader], minutes: 120, justification: 'quarterly audit' },
    ],
    ['activate globl reader for 2 hours becuase audit', { keys: [KEYS.globalReader], minutes: 120, justification: 'audit' }],
    ['activate Global Reader until 5pm because audit', { keys: [KEYS.globalReader], minutes: 418, justification: 'audit' }],
    ['activate Global Reader till 17:30 because audit', { keys: [KEYS.globalReader], minutes: 448, justification: 'audit' }],
    ['activate global reader because audit for 1h', { keys: [KEYS.globalReader], minutes: 60, justification: 'audit' }],
    [
      'activate global reader at 3pm for 1h because audit',
      { keys: [KEYS.globalReader], minutes: 60, justification: 'audit', start: '2025-03-03T15:00:00.000Z' },
    ],
    [
      'activate global reader tomorrow 9am for 2h because audit',
      { keys: [KEYS.globalReader], minutes: 120, justification: 'audit', start: '2025-03-04T09:00:00.000Z' },
    ],
    [
      'activate SRE On-Call and Contributor on Contoso Prod for 2h because incident 7',
      { keys: [SURFACE_KEYS.sre, SURFACE_KEYS.contributor], minutes: 120, justification: 'incident 7' },
    ],
    ['activate sre on-call, reader on rg-web for 1h', { keys: [SURFACE_KEYS.sre, SURFACE_KEYS.readerWeb], minutes: 60 }],
    [
      'activate user admin for 1h ticket #123 reason: reset MFA',
      { keys: [KEYS.userAdministrator], minutes: 60, ticket: '123', justification: 'reset MFA' },
    ],
  ];
  for (const [sentence, expected] of table) {
    it(`"${sentence}"`, async () => {
      const { inputs, replies } = await activatedBy(sentence);
      assert.deepEqual(
        inputs.map((i) => i.eligibilityKey),
        expected.keys,
        `replies: ${replies.slice(0, 300)}`,
      );
      for (const input of inputs) {
        assert.equal(input.durationMinutes, expected.minutes);
        assert.equal(input.justification, expected.justification);
        assert.equal(input.ticket?.number, expected.ticket);
        assert.equal(input.startDateTime?.toISOString(), expected.start);
      }
    });
  }
  it('covers at least 20 phrasings', () => assert.ok(table.length >= 20));
});

describe('one sentence asks only for what is missing', () => {
  it('asks only the justification when the sentence had everything else', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const [form] = await chat.say('activate global reader for 2h');
    assert.match(cardText(form), /Why do you need Global Reader\?/);
    assert.equal(chat.pim.activate.callCount, 0);
    await chat.say('audit');
    assert.equal(chat.pim.activate.firstCall.args[1].durationMinutes, 120);
  });

  it('asks only the duration when none was said', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const [card] = await chat.say('activate reader on rg-web');
    assert.match(cardText(card), /How long do you need Reader on rg-web \(Contoso Prod\)\?/);
    await chat.say('30m');
    assert.equal(chat.pim.activate.firstCall.args[1].eligibilityKey, SURFACE_KEYS.readerWeb);
  });

  it("a duration over the one role's maximum is asked again, not silently cut", async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('activate sre on-call for 6h');
    assert.match(replyText(replies[0]), /6 hours is more than Member of SRE On-Call allows \(at most 4 hours\)/);
    assert.equal(chat.pim.activate.callCount, 0);
  });
});

describe('ambiguity and unknown names', () => {
  it('"reader" alone matches two scopes: offers both and guesses neither', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('activate reader for 30m');
    assert.match(replyText(replies[0]), /More than one of your roles matches "reader"/);
    const offered = submitActions(replies[1])
      .filter((a) => a.data['action'] === 'pickRole')
      .map((a) => a.data['eligibilityKey']);
    assert.deepEqual(offered, [SURFACE_KEYS.readerWeb, SURFACE_KEYS.readerApi]);
    assert.match(cardText(replies[1]), /Reader on rg-web \(Contoso Prod\)/);
    assert.equal(chat.pim.activate.callCount, 0);
    await chat.say(submit({ action: 'pickRole', eligibilityKey: SURFACE_KEYS.readerApi }));
    assert.equal(chat.pim.activate.firstCall.args[1].eligibilityKey, SURFACE_KEYS.readerApi);
    assert.equal(chat.pim.activate.firstCall.args[1].durationMinutes, 30, 'the rest of the sentence is kept');
  });

  it('an unknown role says so and shows the closest matches', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('activate Global Administrator for 1h');
    assert.match(replyText(replies[0]), /You have no eligible role called "Global Administrator"\. The closest: .*Global Reader/);
    assert.equal(chat.pim.activate.callCount, 0);
  });

  it('a typo close to two names is not auto-picked', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('activate raeder for 30m');
    assert.equal(chat.pim.activate.callCount, 0);
    assert.match(replyText(replies[0]), /More than one of your roles matches "raeder"/);
    const offered = submitActions(replies[1])
      .filter((a) => a.data['action'] === 'pickRole')
      .map((a) => a.data['eligibilityKey']);
    assert.deepEqual(offered, [SURFACE_KEYS.readerWeb, SURFACE_KEYS.readerApi]);
  });

  it('the right role on a scope she is not eligible for is refused with where she can have it', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('activate contributor on rg-web for 1h');
    assert.match(replyText(replies[0]), /not eligible for contributor on "rg-web"/i);
    assert.deepEqual(
      submitActions(replies[1])
        .filter((a) => a.data['action'] === 'pickRole')
        .map((a) => a.data['eligibilityKey']),
      [SURFACE_KEYS.contributor],
    );
  });

  it('typing a name at the list narrows it', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    await chat.say('activate');
    const replies = await chat.say('reader');
    assert.match(replyText(replies[0]), /matches 2 of your roles/);
    const offered = submitActions(replies[1]).filter((a) => a.data['action'] === 'pickRole');
    assert.equal(offered.length, 2);
  });

  it('the search box narrows the list and says how many match', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    await chat.say('activate');
    const replies = await chat.say(submit({ action: 'searchRoles', search: 'rg-web' }));
    assert.match(cardText(replies[1]), /1 of your 7 eligible roles match "rg-web"/);
  });
});

describe('the list across surfaces', () => {
  it('is grouped by surface, with readable scope names', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const [list] = await chat.say('activate');
    const text = cardText(list);
    for (const heading of ['Entra roles', 'Groups', 'Azure resources']) assert.match(text, new RegExp(heading));
    assert.match(text, /Reader on rg-web \(Contoso Prod\)/);
    assert.match(text, /Member of SRE On-Call/);
    assert.ok(text.indexOf('Entra roles') < text.indexOf('Groups') && text.indexOf('Groups') < text.indexOf('Azure resources'));
  });

  it('puts the most recently used first', async () => {
    const pim = fakePim(allSurfaces());
    const recent = [SURFACE_KEYS.readerWeb];
    const chat = startChat(pim, NOW, { recent: { get: async () => recent, touch: async () => {} } });
    const [list] = await chat.say('activate');
    const first = submitActions(list).find((a) => a.data['action'] === 'pickRole');
    assert.equal(first?.data['eligibilityKey'], SURFACE_KEYS.readerWeb);
    assert.ok(
      cardText(list).indexOf('Azure resources') < cardText(list).indexOf('Entra roles'),
      'the group of the most recent comes first',
    );
  });

  it('remembers what was activated as most recent', async () => {
    const touched: string[][] = [];
    const chat = startChat(fakePim(allSurfaces()), NOW, {
      recent: { get: async () => [], touch: async (_c, keys) => void touched.push([...keys]) },
    });
    await chat.say('activate sre on-call for 1h');
    assert.deepEqual(touched, [[SURFACE_KEYS.sre]]);
  });

  it('reads the order only when it shows a list: a role named outright costs no read of it', async () => {
    let reads = 0;
    const chat = startChat(fakePim(allSurfaces()), NOW, {
      recent: { get: async () => (reads++, [SURFACE_KEYS.readerWeb]), touch: async () => {} },
    });
    await chat.say('activate sre on-call for 1h');
    assert.equal(reads, 0, 'the named role was activated without reading the order');
    const replies = await chat.say('activate reader');
    const list = replies[replies.length - 1];
    assert.equal(reads, 1, 'the list of candidates for "reader" is put in the user\'s order');
    const offered = submitActions(list)
      .filter((a) => a.data['action'] === 'pickRole')
      .map((a) => a.data['eligibilityKey']);
    assert.equal(offered[0], SURFACE_KEYS.readerWeb, 'the most recent candidate comes first');
  });
});

describe('several at once', () => {
  it('the multi-select submits several with one justification and a result per item', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    await chat.say('activate');
    const [intro, duration] = await chat.say(submit({ action: 'pickRoles', selectedKeys: `${SURFACE_KEYS.sre},${KEYS.globalReader}` }));
    assert.match(
      intro?.text ?? '',
      /Member of SRE On-Call up to 4 hours; Global Reader up to 8 hours/,
      "each role's own maximum, before anything is submitted",
    );
    assert.match(cardText(duration), /How long do you need 2 roles\?/);
    await chat.say('6h');
    const replies = await chat.say('incident 7');
    const text = cardText(replies[0]);
    assert.match(text, /2 activated/);
    assert.match(text, /Capped to 4 hours, the most its policy allows/);
    const inputs = chat.pim.activate.getCalls().map((c) => c.args[1]);
    assert.deepEqual(
      inputs.map((i) => [i.eligibilityKey, i.durationMinutes, i.justification]),
      [
        [SURFACE_KEYS.sre, 240, 'incident 7'],
        [KEYS.globalReader, 360, 'incident 7'],
      ],
    );
  });

  it("asks for a ticket when any item's policy needs one", async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const [form] = await chat.say('activate sre on-call and user administrator for 1h because incident 7');
    assert.match(cardText(form), /Which ticket is this for\?/);
  });

  it('a refusal of one item leaves the others, and each gets its own line', async () => {
    const pim = fakePim(allSurfaces());
    (pim.service.validate as sinon.SinonStub).callsFake(async (_u: unknown, input: ActivationInput) => {
      if (input.eligibilityKey === SURFACE_KEYS.contributor) throw new PimError('policyViolation', 'x', { rules: ['ExpirationRule'] });
    });
    const chat = startChat(pim);
    const [result] = await chat.say('activate SRE On-Call and Contributor on Contoso Prod for 2h because incident 7');
    const text = cardText(result);
    assert.match(text, /1 activated · 1 refused/);
    assert.match(text, /Contributor on Contoso Prod[\s\S]*Not requested[\s\S]*the duration is longer than the role allows/);
    assert.deepEqual(pim.created, [SURFACE_KEYS.sre]);
  });
});

describe('cancel at every step of the one-sentence path', () => {
  const steps: Array<[string, string]> = [
    ['the choice between two', 'activate reader for 30m'],
    ['the duration', 'activate reader on rg-web'],
    ['the justification', 'activate global reader for 2h'],
    ['the ticket', 'activate user administrator for 1h because reset'],
  ];
  for (const [step, sentence] of steps) {
    for (const how of ['typed', 'button'] as const) {
      it(`stops at ${step} (${how}) and nothing is requested`, async () => {
        const chat = startChat(fakePim(allSurfaces()));
        await chat.say(sentence);
        const replies = await chat.say(how === 'typed' ? 'cancel' : submit({ action: 'cancel' }));
        assert.match(replyText(replies[0]), /Cancelled\. Nothing was requested\./);
        assert.equal(chat.pim.activate.callCount, 0);
        const after = await chat.say('30m');
        assert.match(replyText(after[0]), /didn't catch that/);
      });
    }
  }
});
