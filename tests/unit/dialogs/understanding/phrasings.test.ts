// Runs the phrasing table (phrasings.ts): every line's intent and every slot, exactly (a slot the table
// does not list must not be read). Add phrasings there, not here.
import assert from 'node:assert/strict';
import { readMessage } from '../../../../dialogs/understanding/readMessage';
import { PHRASING_NOW, PHRASING_TIME_ZONE, PHRASINGS } from './phrasings';

describe('the phrasing table', () => {
  it('has at least 200 phrasings, from requesters, approvers and admins, each once', () => {
    assert.ok(PHRASINGS.length >= 200, `${PHRASINGS.length} phrasings`);
    for (const who of ['requester', 'approver', 'admin'] as const) assert.ok(PHRASINGS.filter((p) => p.who === who).length >= 10, who);
    assert.equal(new Set(PHRASINGS.map((p) => p.say)).size, PHRASINGS.length, 'no phrasing twice');
  });

  for (const phrasing of PHRASINGS) {
    it(`${phrasing.say} → ${phrasing.intent}`, () => {
      const read = readMessage(phrasing.say, { now: PHRASING_NOW, timeZone: PHRASING_TIME_ZONE });
      const expected = {
        intent: phrasing.intent,
        ...(phrasing.explicit !== undefined ? { explicit: phrasing.explicit } : {}),
        slots: phrasing.slots,
      };
      assert.deepEqual(read, expected);
    });
  }
});
