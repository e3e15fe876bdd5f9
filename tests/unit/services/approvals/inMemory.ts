// In-memory stand-ins for the approval use case's ports: a key-value store with eTags (as the Bot
// Framework's MemoryStorage and Azure Blob behave), a messenger that records what it was asked to
// send, and the requester's turn. No Bot Framework, no HTTP.
import { eligibilityKey } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import type { KeyValueStorage } from '../../../../services/store/keyValueStorage';
import type { Address, ApprovalMessenger, InTurnReply } from '../../../../services/approvals/ports';
import type { ApprovalView } from '../../../../services/approvals/views';

export class MemoryKeyValue implements KeyValueStorage {
  private readonly items = new Map<string, Record<string, unknown>>();
  private version = 0;

  async read(keys: string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const item = this.items.get(k);
      if (item) out[k] = structuredClone(item);
    }
    return out;
  }

  async write(changes: Record<string, unknown>): Promise<void> {
    for (const [k, value] of Object.entries(changes)) {
      const item = value as Record<string, unknown> & { eTag?: string };
      const old = this.items.get(k) as { eTag?: string } | undefined;
      if (old && item.eTag && item.eTag !== '*' && item.eTag !== old.eTag)
        throw new Error(`Storage: error writing "${k}" due to eTag conflict.`);
      this.items.set(k, { ...structuredClone(item), eTag: String(++this.version) });
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
}

export interface Sent {
  readonly conversationId: string | undefined;
  readonly activityId: string;
  readonly view: ApprovalView;
}

/** People are reachable once they have a chat (`chat()`); every post and update is kept, in order. */
export class InMemoryMessenger implements ApprovalMessenger {
  readonly posts: Sent[] = [];
  readonly updates: Sent[] = [];
  private readonly chats = new Map<string, string>();
  private next = 0;

  chat(userId: string): void {
    this.chats.set(userId.toLowerCase(), `chat:${userId.toLowerCase()}`);
  }

  async reach(userId: string): Promise<Address | undefined> {
    const id = this.chats.get(userId.toLowerCase());
    return id ? { conversationId: id, handle: id } : undefined;
  }

  async reachChannel(channelId: string): Promise<Address | undefined> {
    return { conversationId: channelId, handle: channelId };
  }

  async post(to: Address, view: ApprovalView): Promise<string> {
    const activityId = `activity-${++this.next}`;
    this.posts.push({ conversationId: to.conversationId, activityId, view });
    return activityId;
  }

  async update(to: Address, activityId: string, view: ApprovalView, conversationId?: string): Promise<void> {
    this.updates.push({ conversationId: conversationId ?? to.conversationId, activityId, view });
  }

  async notify(userId: string, view: ApprovalView): Promise<boolean> {
    const to = await this.reach(userId);
    if (!to) return false;
    await this.post(to, view);
    return true;
  }

  /** What went to one conversation (posts), by kind. */
  postsTo(userId: string, kind?: ApprovalView['kind']): Sent[] {
    return this.posts.filter((p) => p.conversationId === `chat:${userId.toLowerCase()}` && (kind === undefined || p.view.kind === kind));
  }
}

/** The requester's turn: what it replied, in order. */
export function recordingTurn(conversationId: string): InTurnReply & { readonly replies: ApprovalView[] } {
  const replies: ApprovalView[] = [];
  return {
    conversationId,
    replies,
    send(view) {
      replies.push(view);
      return { sent: Promise.resolve(`reply-${replies.length}`), counted: Promise.resolve() };
    },
  };
}

/** Alice's one eligibility in these tests: User Administrator, approval by `approverGroup`. */
export function userAdminEligibility(aliceId: string, approverGroup: string): Awaited<ReturnType<PimService['listEligibilities']>>[number] {
  return {
    eligibility: {
      key: eligibilityKey('entraRole', '/', 'r-user-admin'),
      surface: 'entraRole',
      roleId: 'r-user-admin',
      roleName: 'User Administrator',
      scope: { id: '/', displayName: 'Directory', kind: 'directory' },
      principalId: aliceId,
      endDateTime: null,
    },
    constraints: {
      maxDurationMinutes: 240,
      minDurationMinutes: 5,
      requiresJustification: true,
      requiresTicket: false,
      requiresMfa: false,
      authenticationContext: null,
      requiresApproval: true,
      approvers: [{ kind: 'group', id: approverGroup }],
    },
  } as Awaited<ReturnType<PimService['listEligibilities']>>[number];
}
