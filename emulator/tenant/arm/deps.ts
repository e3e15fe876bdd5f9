import type { ControllableClock } from '../clock';
import type { TenantStore } from '../state/store';

/** What the ARM resource modules need. */
export interface ArmDeps {
  readonly store: TenantStore;
  readonly clock: ControllableClock;
  /** https://localhost:PORT (no trailing slash): ARM's nextLinks are absolute. */
  readonly baseUrl: string;
  readonly pageSize: number;
}
