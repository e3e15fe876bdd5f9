// Graph's error envelope, thrown from handlers and rendered once by the server.
import type { EmulatorRequest, EmulatorResponse } from '../http/types';

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function graphErrorResponse(
  req: EmulatorRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers,
    json: {
      error: {
        code,
        message,
        innerError: {
          // Graph's innerError date has no fraction and no zone designator.
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': req.requestId,
          'client-request-id': req.clientRequestId,
        },
      },
    },
  };
}

export const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);
export const forbidden = (message = 'Insufficient privileges to complete the operation.') =>
  new GraphError(403, 'Authorization_RequestDenied', message);
export const notFound = (message: string, code = 'NotFound') => new GraphError(404, code, message);
