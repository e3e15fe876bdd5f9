export type { AppTokenProvider, Resource, TokenRequest, UserTokenProvider } from './tokenProvider';
export { MsalTokenClient, type MsalAppConfig } from './msalTokenClient';
export { LocalSsoUserTokenProvider, type LocalSsoOptions } from './localSsoUserTokenProvider';
export { OboUserTokenProvider, type SsoTokenSource } from './oboUserTokenProvider';
export { ClientCredentialsAppTokenProvider } from './clientCredentialsAppTokenProvider';
export { mapMsalError } from './msalErrors';
export { SCOPES } from './scopes';
