// Who gets an approval card, and where: the policy's approvers (groups expanded through the
// directory), each one's 1:1 conversation reference, and the requester's recent activations the card
// shows. None of it depends on the request PIM is about to create, so it is read while the user fills
// in the request and PIM answers it (see ApprovalCoordinator.prepare): the cards go out as soon as the record
// is written.
import type { ApprovalContext } from './context';
import type { PersonRef } from './model';
import type { Address } from './ports';
import type { ActivationRequest } from '../pim/model';

/** Per approver id: their 1:1 chat; undefined = none known (the app must be installed first); null = could not be read (a later pass retries). */
export type References = ReadonlyMap<string, Address | null | undefined>;

export interface Audience {
  readonly approvers: readonly PersonRef[];
  readonly references: References;
  /** The requester's recent activations of the role, newest first; undefined = the surface cannot tell. */
  readonly recent: readonly ActivationRequest[] | undefined;
  /** What the cards say about the requester and the role, read once for every approver. */
  readonly context?: ApprovalContext;
}

/**
 * Audiences being read ahead of a submit, by requester and eligibility, each taken (once) by the
 * submit it was read for. One nobody takes within `ttlMs` (the user gave up, or PIM granted or refused
 * the request) is dropped, so nothing older than that goes into a record: the next submit reads afresh.
 */
export class AudiencePrefetch {
  private readonly pending = new Map<string, { readonly audience: Promise<Audience>; readonly timer: NodeJS.Timeout }>();

  constructor(private readonly ttlMs: number) {}

  /** Starts `read` unless a read for `id` is already under way. */
  start(id: string, read: () => Promise<Audience>): void {
    if (this.pending.has(id)) return;
    const audience = read();
    // Whoever takes it sees a failure; untaken, it must not surface as an unhandled rejection.
    audience.catch(() => undefined);
    const timer = setTimeout(() => this.pending.delete(id), this.ttlMs);
    timer.unref();
    this.pending.set(id, { audience, timer });
  }

  /** The read started for `id`, once: a later submit reads afresh. */
  take(id: string): Promise<Audience> | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    return entry.audience;
  }
}
