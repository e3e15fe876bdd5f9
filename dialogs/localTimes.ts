// Every message of a turn shows its times in the reader's time zone (the activity's localTimezone or
// Teams' clientInfo entity), in the bot's one locale: cards/localTime.ts is the one formatter.
import type { Activity, TurnContext } from 'botbuilder';
import { localizeTimes, timeFormatter, type TimeFormatter } from '../cards/localTime';
import { activityTimeZone } from './parsing/moment';

const DONE = Symbol('localTimes');

/** Once per turn (a turn may both continue and begin the root dialog). */
export function localizeTurn(context: TurnContext): void {
  if (context.turnState.get(DONE)) return;
  context.turnState.set(DONE, true);
  const format = turnTimes(context);
  if (!format) return;
  const localize = (a: Partial<Activity>): Partial<Activity> => ({
    ...a,
    ...(typeof a.text === 'string' ? { text: localizeTimes(a.text, format) } : {}),
    ...(a.attachments ? { attachments: localizeTimes(a.attachments, format) } : {}),
  });
  context.onSendActivities(async (_ctx, activities, next) => {
    activities.splice(0, activities.length, ...activities.map(localize));
    return next();
  });
  context.onUpdateActivity(async (_ctx, activity, next) => {
    Object.assign(activity, localize(activity));
    return next();
  });
}

/** The reader's zone in this turn, for text written out before it is sent (plainMessage): undefined = UTC. */
export function turnTimes(context: TurnContext): TimeFormatter | undefined {
  return timeFormatter(activityTimeZone(context.activity));
}
