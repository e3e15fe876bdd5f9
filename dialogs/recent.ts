// Most recently used first: the user's own order, remembered in UserState (so it follows them
// across conversations and bot instances).
import type { UserState } from 'botbuilder';
import type { RecentStore } from './deps';

/** Enough to order any realistic list; older keys fall off. */
export const MAX_RECENT = 20;

export function createRecentStore(userState: UserState): RecentStore {
  const property = userState.createProperty<string[]>('recentEligibilities');
  return {
    // The order is a nicety: a user record storage can't read (e.g. a sender id the blob key
    // encoding chokes on) must not fail the turn, so it reads as "nothing recent".
    async get(context) {
      try {
        const keys = await property.get(context, []);
        return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
      } catch {
        return [];
      }
    },
    async touch(context, keys) {
      try {
        const current = await this.get(context);
        await property.set(context, [...keys, ...current.filter((k) => !keys.includes(k))].slice(0, MAX_RECENT));
      } catch {
        // As above: remembering is best effort.
      }
    },
  };
}

/** Recently used first (in the order used), then the rest in their own order. */
export function byRecent<T extends { readonly key: string }>(items: readonly T[], recent: readonly string[]): T[] {
  const rank = new Map(recent.map((k, i) => [k, i]));
  return items
    .map((item, index) => ({ item, index, rank: rank.get(item.key) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((x) => x.item);
}
