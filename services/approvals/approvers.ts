// Who may approve: the policy's approvers (single users and members of approver groups), expanded
// through the directory, without the requester (PIM never lets anyone approve their own request).

import type { ApproverRef } from '../pim/model';
import type { PersonRef } from './model';
import type { DirectoryPort } from './port';

export async function resolveApprovers(refs: readonly ApproverRef[], requesterId: string, directory: DirectoryPort): Promise<PersonRef[]> {
  const found = new Map<string, PersonRef>();
  const add = (p: { id: string; displayName?: string }) => {
    const id = p.id.toLowerCase();
    if (id === requesterId.toLowerCase() || found.has(id)) return;
    found.set(id, p.displayName ? { id, displayName: p.displayName } : { id });
  };
  const perRef = await Promise.all(
    refs.map(async (ref) => {
      if (ref.kind === 'group') return directory.groupMembers(ref.id);
      const user = await directory.user(ref.id);
      return user ? [user] : [];
    }),
  );
  perRef.flat().forEach(add);
  return [...found.values()];
}

/** "Bob Brown or Dave Diaz", "Bob Brown, Carol Chen or Dave Diaz". */
export function approverNames(approvers: readonly PersonRef[]): string {
  const names = approvers.map((a) => a.displayName ?? 'an approver');
  if (names.length === 0) return 'an approver';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
