// A small route table: each resource family registers its own routes so new families (groups, ARM,
// approvals) plug in without touching the others.
import type { EmulatorRequest, EmulatorResponse, Handler } from './types';

export interface Route {
  readonly method: string;
  /** Anchored pattern over the decoded path; named groups become req.params. */
  readonly pattern: RegExp;
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** Whether some route answers exactly this path (with any method). */
  hasPath(path: string): boolean {
    return this.routes.some((r) => r.pattern.test(path));
  }

  /** The fixed path segments the routes spell out (entity sets, navigation properties, actions). */
  literalSegments(): Set<string> {
    const out = new Set<string>();
    for (const r of this.routes) {
      for (const part of r.pattern.source.replace(/\\\//g, '/').split('/')) {
        const word = part.replace(/\??\$$/, '').replace(/\$$/, '');
        if (/^[A-Za-z][A-Za-z0-9]*$/.test(word)) out.add(word.toLowerCase());
      }
    }
    return out;
  }

  /** undefined = no route for the path; 'method' = the path exists with other methods. */
  match(req: EmulatorRequest): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      return { handler: r.handler, params: { ...(m.groups ?? {}) } };
    }
    return pathMatched ? 'method' : undefined;
  }
}

/** undefined = no route matched the path at all. */
export async function dispatch(
  router: Router,
  req: EmulatorRequest,
  methodNotAllowed: (req: EmulatorRequest) => EmulatorResponse,
): Promise<EmulatorResponse | undefined> {
  const found = router.match(req);
  if (found === undefined) return undefined;
  if (found === 'method') return methodNotAllowed(req);
  req.params = found.params;
  return found.handler(req);
}
