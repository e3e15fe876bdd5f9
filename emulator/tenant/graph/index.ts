// Graph v1.0 (and, later, the beta approval paths): one module per resource family.
import type { Router } from '../http/router';
import type { GraphDeps } from './deps';

export function registerGraphRoutes(router: Router, deps: GraphDeps): void {
  void router;
  void deps;
}
