// Errors in Entra's OAuth2 format, so msal-node parses them as it would Microsoft's.
import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../http/types';

export interface OAuthErrorInit {
  status: number;
  error: string;
  /** AADSTS code without the prefix, e.g. 7000215. */
  code: number;
  description: string;
  correlationId?: string;
  extra?: Record<string, unknown>;
}

export function oauthError(init: OAuthErrorInit): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = init.correlationId ?? randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status: init.status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    json: {
      error: init.error,
      error_description: `AADSTS${init.code}: ${init.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [init.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${init.code}`,
      ...init.extra,
    },
  };
}
