// Graph's answer to a path it cannot resolve: 400 BadRequest "Resource not found for the segment '<segment>'."
// naming the first segment its model does not know (not a 404; observed e.g. for GET /v1.0/me/foo).
import type { Router } from '../http/router';
import { GraphError } from './errors';

export function unknownSegmentError(router: Router, path: string): GraphError {
  return new GraphError(400, 'BadRequest', `Resource not found for the segment '${unknownSegment(router, path)}'.`);
}

/**
 * The first segment after the version that is neither a fixed name of some route nor, as a key, the end of
 * a path some route answers; the last segment when every one is known (a known path in an unknown place).
 */
export function unknownSegment(router: Router, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const literals = router.literalSegments();
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    if (literals.has(seg.toLowerCase())) continue;
    if (router.hasPath(`/${segments.slice(0, i + 1).join('/')}`)) continue;
    return seg;
  }
  return segments[segments.length - 1] ?? '';
}
