import type { UserContext } from '../pim/model';

/** The APIs a token may be for. Tokens are only ever sent to their own audience. */
export type Resource = 'graph' | 'arm';

export interface TokenRequest {
  readonly user: UserContext;
  readonly resource: Resource;
  /** Claims challenge (JSON) when a policy demands step-up. */
  readonly claims?: string;
}

/** Delegated tokens for a user (on-behalf-of in production; the emulated SSO in local mode). */
export interface UserTokenProvider {
  getUserToken(request: TokenRequest): Promise<string>;
}

/** Application tokens, only for what a user's token cannot do. */
export interface AppTokenProvider {
  getAppToken(resource: Resource): Promise<string>;
}
