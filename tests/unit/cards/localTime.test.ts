// Times in the person's own time zone (the activity's localTimezone, or Teams' clientInfo
// entity), in one locale per message: an English sentence never carries a date the client wrote in German.
import assert from 'node:assert/strict';
import { localizeText, timeFormatter } from '../../../cards/localTime';
import { cardText } from '../../support/botHarness';
import { startChat } from '../dialogs/dialogClient';

describe("times in the reader's time zone, one locale", () => {
  it('the result card gives the end in the zone the activity names, written in English whatever the client locale', async () => {
    const chat = startChat();
    const [result] = await chat.say({
      text: 'activate global reader for 2h because audit',
      localTimezone: 'Europe/Berlin',
      locale: 'de-DE',
    });
    const text = cardText(result);
    // 10:02Z is 11:02 in Berlin; 12:02Z is 1:02 PM.
    assert.match(text, /Global Reader is active on Directory from 11:02 AM until 1:02 PM \(Mon, Mar 3, 2025\)/);
    assert.doesNotMatch(text, /\{\{(TIME|DATE)\(/, 'nothing left for the client to write in its own locale');
  });

  it("Teams' clientInfo entity gives the zone when localTimezone is absent", async () => {
    const chat = startChat();
    const [result] = await chat.say({
      text: 'activate global reader for 1h because audit',
      entities: [{ type: 'clientInfo', timezone: 'America/New_York', locale: 'de-DE' }],
    });
    assert.match(cardText(result), /from 5:02 AM until 6:02 AM/);
  });

  it('the one formatter: English in any zone; an unknown zone leaves the placeholders to the client', () => {
    const berlin = timeFormatter('Europe/Berlin')!;
    assert.equal(
      localizeText('Ends at {{TIME(2025-12-24T17:30:00Z)}} on {{DATE(2025-12-24T17:30:00Z, SHORT)}}.', berlin),
      'Ends at 6:30 PM on Wed, Dec 24, 2025.',
    );
    assert.equal(timeFormatter('Not/AZone'), undefined);
    assert.equal(timeFormatter(undefined), undefined);
  });
});
