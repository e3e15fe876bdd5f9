// What a careful approver checks besides the request itself: who the requester is in the directory,
// what the role allows (its definition's own description) and whether Microsoft marks it privileged,
// and the access the requester holds already. Read once per request (at fan-out), stored in the record,
// and shown on every copy; every part is optional, as the directory or a surface may not say.

import type { ActiveAssignment, Surface, UserContext } from '../pim/model';
import type { ActivationTarget, ApprovalsPort, DirectoryPort } from './port';
/** The requester as the directory describes them. */
export interface RequesterProfile {
  readonly jobTitle?: string;
  readonly department?: string;
  /** The manager's display name. */
  readonly manager?: string;
}

/** What the role's definition says about it. */
export interface RoleInfo {
  /** One line on what it allows: the role definition's description. */
  readonly description?: string;
  /** Entra's isPrivileged on the role definition; undefined where the surface does not state it. */
  readonly privileged?: boolean;
}

/** One piece of access the requester holds now. */
export interface HeldAccess {
  /** "Global Reader", "Owner of SRE On-Call", "Reader on rg-web". */
  readonly name: string;
  /** ISO; null = permanent. */
  readonly endDateTime: string | null;
}

export interface ApprovalContext {
  readonly requester?: RequesterProfile;
  readonly role?: RoleInfo;
  /** The requester's active access when the request was made; undefined = not known. */
  readonly activeAccess?: readonly HeldAccess[];
}

/** The most held access a card lists; more is said as a count. */
export const MAX_HELD_ACCESS = 8;

export interface ContextSources {
  readonly people: DirectoryPort;
  /** The requester's active access, with their own token (inside their turn). */
  readonly listActive: (user: UserContext) => Promise<readonly ActiveAssignment[]>;
  /** The request's surface, when the bot decides on it. */
  readonly port?: ApprovalsPort;
  /** What the eligibility listing already said about the role (Entra's expanded roleDefinition): the port is not asked then. */
  readonly knownRole?: RoleInfo;
  /** Told about each part that could not be read (the card goes out without it). */
  readonly onError?: (part: string, error: unknown) => void;
}

/**
 * One batch of reads for one request, whoever approves it: profile, role definition and active access
 * in parallel. A part that fails is left out; the card never waits on a retry.
 */
export async function readApprovalContext(
  sources: ContextSources,
  requester: UserContext,
  target: ActivationTarget | undefined,
): Promise<ApprovalContext> {
  const soft = <T>(part: string, read: (() => Promise<T>) | undefined): Promise<T | undefined> => {
    if (!read) return Promise.resolve(undefined);
    // A read that throws at once (a port stub without it) is as soft as one that rejects.
    return Promise.resolve()
      .then(read)
      .catch((e: unknown) => {
        sources.onError?.(part, e);
        return undefined;
      });
  };
  const { port, people } = sources;
  const [profile, role, active] = await Promise.all([
    soft('profile', people.profile ? () => people.profile!(requester.userId) : undefined),
    sources.knownRole
      ? Promise.resolve(sources.knownRole)
      : soft('role', port?.roleInfo && target ? () => port.roleInfo!(requester, target) : undefined),
    soft('active access', () => sources.listActive(requester)),
  ]);
  return {
    ...(profile && Object.keys(profile).length > 0 ? { requester: profile } : {}),
    ...(role && Object.keys(role).length > 0 ? { role } : {}),
    ...(active ? { activeAccess: active.map(heldAccess) } : {}),
  };
}

const HELD_NAME: Readonly<Record<Surface, (a: ActiveAssignment) => string>> = {
  entraRole: (a) => a.roleName,
  group: (a) => `${a.roleName} of ${a.scope.displayName}`,
  azureResource: (a) => `${a.roleName} on ${a.scope.displayName}`,
};

export function heldAccess(a: ActiveAssignment): HeldAccess {
  const name = HELD_NAME[a.surface](a);
  return { name, endDateTime: a.endDateTime ? a.endDateTime.toISOString() : null };
}
