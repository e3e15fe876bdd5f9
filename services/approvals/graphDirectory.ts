// Users and group members through Graph with the bot's application token (GroupMember.Read.All,
// User.Read.All): approver groups are expanded without anyone's delegated token.

import type { AppTokenProvider } from '../identity/tokenProvider';
import { PimError } from '../pim/errors';
import type { GraphApi } from '../pim/graph/graphApi';
import { assertGuid } from '../pim/graph/odata';
import { asRecord, readString } from '../pim/json';
import type { RequesterProfile } from './context';
import { TtlCache } from '../pim/ttlCache';
import type { DirectoryPort } from './port';

/**
 * How long an approver group's members are kept: 60 s. Every request for a role with that group's
 * approval reads the same list, so a burst reads it once a minute instead of once per request. The
 * bot never changes membership (nothing of its own to invalidate); a change in the directory reaches
 * cards within a minute, and a removed approver's stale card cannot decide: PIM checks the approver.
 */
export const GROUP_MEMBERS_TTL_MS = 60_000;

type Member = { id: string; displayName?: string };

export class GraphDirectory implements DirectoryPort {
  private readonly members: TtlCache<Member[]>;
  /**
   * Each requester's job title, department and manager, kept as long as group members and for the same
   * reasons: the bot never changes them, they inform the approver and decide nothing, and a burst of
   * one person's requests reads them once.
   */
  private readonly profiles: TtlCache<RequesterProfile | undefined>;

  constructor(
    private readonly graph: GraphApi,
    private readonly appTokens: AppTokenProvider,
    membersTtlMs = GROUP_MEMBERS_TTL_MS,
  ) {
    this.members = new TtlCache(membersTtlMs);
    this.profiles = new TtlCache(membersTtlMs);
  }

  async groupMembers(groupId: string): Promise<Member[]> {
    const id = assertGuid(groupId, 'group id');
    return (await this.members.get(id.toLowerCase(), () => this.readMembers(id))).map((m) => ({ ...m }));
  }

  private async readMembers(id: string): Promise<Member[]> {
    const token = await this.appTokens.getAppToken('graph');
    const raw = await this.graph.list(token, `/groups/${id}/members`, { select: 'id,displayName' });
    return (
      raw
        .map(asRecord)
        // Nested groups and devices are not people who can approve.
        .filter((m) => {
          const t = readString(m, '@odata.type');
          return t === undefined || t.toLowerCase().endsWith('.user');
        })
        .map((m) => ({ id: readString(m, 'id') ?? '', displayName: readString(m, 'displayName') }))
        .filter((m) => m.id !== '')
        .map((m) => (m.displayName ? { id: m.id, displayName: m.displayName } : { id: m.id }))
    );
  }

  async user(userId: string): Promise<{ id: string; displayName?: string } | undefined> {
    const id = assertGuid(userId, 'user id');
    const token = await this.appTokens.getAppToken('graph');
    try {
      const raw = asRecord(await this.graph.get(token, `/users/${id}`, { select: 'id,displayName' }));
      const displayName = readString(raw, 'displayName');
      return displayName ? { id, displayName } : { id };
    } catch (e) {
      if (e instanceof PimError && e.kind === 'notFound') return undefined;
      throw e;
    }
  }

  /** GET /users/{id}?$select=id,jobTitle,department&$expand=manager($select=displayName), app-only (User.Read.All). */
  async profile(userId: string): Promise<RequesterProfile | undefined> {
    const id = assertGuid(userId, 'user id');
    const profile = await this.profiles.get(id.toLowerCase(), () => this.readProfile(id));
    return profile && { ...profile };
  }

  private async readProfile(id: string): Promise<RequesterProfile | undefined> {
    const token = await this.appTokens.getAppToken('graph');
    try {
      const raw = asRecord(
        await this.graph.get(token, `/users/${id}`, { select: 'id,jobTitle,department', expand: 'manager($select=displayName)' }),
      );
      const jobTitle = readString(raw, 'jobTitle');
      const department = readString(raw, 'department');
      const manager = readString(asRecord(raw?.['manager']), 'displayName');
      return { ...(jobTitle ? { jobTitle } : {}), ...(department ? { department } : {}), ...(manager ? { manager } : {}) };
    } catch (e) {
      if (e instanceof PimError && e.kind === 'notFound') return undefined;
      throw e;
    }
  }
}
