// The one place an ARM (@azure/arm-authorization) failure becomes a PimError. ARM's PIM error codes
// are Graph's (RoleAssignmentRequestPolicyValidationFailed, ActiveDurationTooShort, ...), so the
// code table is shared with graphErrors.ts; only the error object differs.
//
// RestError comes from @azure/core-rest-pipeline, which the project does not depend on directly;
// it is recognised by shape (name, statusCode, code, response.headers) rather than imported.

import { isPimError, PimError } from '../errors';
import { mapUpstreamError } from '../graph/graphErrors';

interface RestErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly response?: { readonly headers?: { get(name: string): string | undefined } };
}

function isRestError(e: unknown): e is RestErrorLike {
  return e instanceof Error && e.name === 'RestError';
}

export function mapArmError(error: unknown): PimError {
  if (isPimError(error)) return error;
  if (!isRestError(error)) return new PimError('unavailable', 'ARM call failed');
  const status = error.statusCode ?? 0;
  // A failure before any response (DNS, TLS, refused) has no status: PIM is unreachable.
  if (status === 0) return new PimError('unavailable', 'ARM is unreachable', { upstreamCode: error.code });
  const h = error.response?.headers;
  const headers = h ? ({ get: (name: string) => h.get(name.toLowerCase()) ?? null } as unknown as Headers) : undefined;
  return mapUpstreamError(status, error.code, error.message, headers, 'ARM');
}
