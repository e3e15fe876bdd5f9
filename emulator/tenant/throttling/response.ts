// The 429 Graph sends when a quota is exceeded: Microsoft's published sample body (code
// TooManyRequests, innerError code/status "429"), Retry-After in seconds with a fraction as in
// that sample ("2.128"), and the identity service's x-ms-throttle-scope / -information headers.
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import type { ThrottleDecision } from './quotas';

export function throttledResponse(req: EmulatorRequest, decision: Extract<ThrottleDecision, { allowed: false }>): EmulatorResponse {
  return {
    status: 429,
    headers: {
      'retry-after': retryAfterHeader(decision.retryAfterMs),
      'x-ms-throttle-scope': decision.scope,
      'x-ms-throttle-information': decision.reason,
    },
    json: {
      error: {
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: {
          code: '429',
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          message: 'Please retry after',
          'request-id': req.requestId,
          'client-request-id': req.clientRequestId,
          status: '429',
        },
      },
    },
  };
}

/** Seconds with up to three decimals, never 0: the request must not come straight back. */
export function retryAfterHeader(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)) / 1000);
}
