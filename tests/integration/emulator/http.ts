// Raw HTTPS calls for asserting status codes and error bodies exactly (the SDK clients hide them).
import type { TenantEmulator } from '../../../emulator/tenant';

export interface Reply {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(
  t: TenantEmulator,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path.startsWith('https://') ? path : `${t.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

export const RM = '/v1.0/roleManagement/directory';

export function activationBody(
  principalId: string,
  roleDefinitionId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    action: 'selfActivate',
    principalId,
    roleDefinitionId,
    directoryScopeId: '/',
    justification: 'Investigating incident INC-42',
    scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
    ...extra,
  };
}
