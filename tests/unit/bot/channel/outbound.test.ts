// The one outbound road: follow-ups and reminders take the same sender and rate limiter as approval
// cards, so they keep to Teams' limits with them and a 429 is waited out, not lost.
import assert from 'node:assert/strict';
import { ConfigurationBotFrameworkAuthentication, MessageFactory, type ConversationReference } from 'botbuilder';
import { startRateLimitedConnector } from '../../../../emulator/stack/rateLimitedConnector';
import { createOutboundChannel } from '../../../../bot/channel/outbound';
import { RateLimiter } from '../../../../bot/channel/rateLimiter';
import { silentLogger } from '../../../../dialogs/deps';

function reference(userId: string, serviceUrl: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: `a:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: `29:${userId}`, name: '' },
    bot: { id: '28:bot', name: 'bot' },
  };
}

describe('the outbound channel (bot/channel)', () => {
  it('a follow-up that meets a 429 is waited out for its Retry-After and delivered once', async function () {
    this.timeout(10_000);
    // The channel allows 1 per second per conversation; the limiter believes Teams' 7.
    const channel = await startRateLimitedConnector({ perConversationPerSecond: 1, perAppPerSecond: 50 });
    try {
      const outbound = createOutboundChannel({ auth: new ConfigurationBotFrameworkAuthentication({}), botAppId: '', logger: silentLogger });
      await outbound.proactive.send(reference('u1', channel.url), MessageFactory.text('first'));
      await outbound.proactive.send(reference('u1', channel.url), MessageFactory.text('second'));
      assert.equal(channel.refusals.get('a:u1'), 1, 'the channel refused one');
      assert.deepEqual(
        channel.deliveries.map((d) => d.activity.text),
        ['first', 'second'],
        'and both arrived, once each',
      );
    } finally {
      await channel.close();
    }
  });

  it('approval cards and follow-ups share one limiter: a follow-up waits for the slot an approval card took', async () => {
    const channel = await startRateLimitedConnector({ perConversationPerSecond: 50, perAppPerSecond: 50 });
    try {
      let now = 0;
      const waits: number[] = [];
      const limiter = new RateLimiter(
        { perConversationPerSecond: 1, perAppPerSecond: 50 },
        () => now,
        async (ms) => {
          waits.push(ms);
          now += ms;
        },
      );
      const outbound = createOutboundChannel({
        auth: new ConfigurationBotFrameworkAuthentication({}),
        botAppId: '',
        logger: silentLogger,
        limiter,
      });
      await outbound.sender.post(reference('u1', channel.url), 'an approval card');
      assert.deepEqual(waits, []);
      await outbound.proactive.send(reference('u1', channel.url), MessageFactory.text('a follow-up'));
      assert.equal(waits.length, 1, 'the follow-up waited for the window the card opened');
      assert.deepEqual(
        channel.deliveries.map((d) => d.activity.text),
        ['an approval card', 'a follow-up'],
      );
    } finally {
      await channel.close();
    }
  });
});
