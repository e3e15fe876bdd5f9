// ARM's error envelope: {"error": {"code", "message"}} without Graph's innerError.
import type { EmulatorResponse } from '../http/types';

export function armErrorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers, json: { error: { code, message } } };
}

/** ARM paths: /subscriptions/..., /providers/... (management groups, tenant-level Microsoft.Authorization). */
export const ARM_PATH = /^\/(subscriptions|providers)(\/|$)/i;
