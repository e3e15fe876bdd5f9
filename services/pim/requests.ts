// Pure functions over a listing of someone's schedule requests, shared by the providers that read them
// and the approval flow that shows their history.
import type { ActivationRequest } from './model';

/**
 * The items of a raw listing that map to requests; one that does not (an administrator's permanent
 * assignment has no bounded schedule, so it is not an activation) is left out, not an error.
 */
export function activationsOf(raw: readonly unknown[], map: (item: unknown) => ActivationRequest): ActivationRequest[] {
  const out: ActivationRequest[] = [];
  for (const item of raw) {
    try {
      out.push(map(item));
    } catch {
      // Not a bounded activation: not part of anyone's activation history.
    }
  }
  return out;
}

/**
 * The activations among `requests` that ran (provisioned, or since revoked), newest first, at most
 * `limit`, leaving out the request `exceptId` (the one being decided).
 */
export function earlierActivations(requests: readonly ActivationRequest[], limit: number, exceptId?: string): ActivationRequest[] {
  const except = exceptId?.toLowerCase();
  return requests
    .filter(
      (r) =>
        r.id.toLowerCase() !== except && (r.action ?? 'activate') === 'activate' && (r.status === 'provisioned' || r.status === 'revoked'),
    )
    .sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime())
    .slice(0, limit);
}
