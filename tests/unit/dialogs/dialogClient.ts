// DialogTestClient on the Teams channel with the MainDialog and a faked PimService.
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import type { DialogDeps } from '../../../dialogs/deps';
import { MainDialog } from '../../../dialogs/mainDialog';
import { ALICE, dialogDeps, fakePim, type FakePim } from '../../support/botHarness';

export interface TestChat {
  readonly client: DialogTestClient;
  readonly pim: FakePim;
  /** One turn: returns every reply the dialog sent. */
  say(activity: string | Partial<Activity>, from?: Partial<Activity['from']>): Promise<Partial<Activity>[]>;
}

export function startChat(pim: FakePim = fakePim(), now?: Date, extra: Partial<DialogDeps> = {}): TestChat {
  const client = new DialogTestClient('msteams', new MainDialog({ ...dialogDeps(pim, now), ...extra }));
  return {
    client,
    pim,
    async say(activity, from = ALICE) {
      const base: Partial<Activity> = typeof activity === 'string' ? { type: 'message', text: activity } : { type: 'message', ...activity };
      base.from = { ...(from as Activity['from']) };
      const replies: Partial<Activity>[] = [];
      let reply = (await client.sendActivity(base)) as Partial<Activity> | undefined;
      while (reply) {
        replies.push(reply);
        reply = client.getNextReply() as Partial<Activity> | undefined;
      }
      return replies;
    },
  };
}

/** A card submit, as Teams sends it: no text, the button's data merged with the inputs. */
export function submit(data: Record<string, unknown>): Partial<Activity> {
  return { type: 'message', value: data };
}
