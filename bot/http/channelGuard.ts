// Only Microsoft Teams is served. On channels where the client writes the activity itself (Web
// Chat, Direct Line: present on every Azure Bot resource) the sender's ids are whatever the page
// says, so nothing there may reach the bot. The Agents Playground used locally speaks as msteams.
import { Channels, type Activity } from 'botbuilder';

export const SERVED_CHANNEL: string = Channels.Msteams;

export function isServedChannel(activity: Partial<Activity>): boolean {
  return activity.channelId === SERVED_CHANNEL;
}
