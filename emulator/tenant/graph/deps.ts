import type { ControllableClock } from '../clock';
import type { TenantStore } from '../state/store';

/** What every Graph resource module needs. */
export interface GraphDeps {
  readonly store: TenantStore;
  readonly clock: ControllableClock;
  readonly tenantId: string;
  /** https://localhost:PORT (no trailing slash). */
  readonly baseUrl: string;
  readonly pageSize: number;
}
