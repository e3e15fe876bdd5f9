export type { AppTokenProvider, Resource, TokenRequest, UserTokenProvider } from './tokenProvider';
export { MsalTokenClient, type MsalAppConfig, type ClientCertificate } from './msalTokenClient';
export { LocalSsoUserTokenProvider, type LocalSsoOptions } from './localSsoUserTokenProvider';
export { OboUserTokenProvider, type SsoTokenSource } from './oboUserTokenProvider';
export { ClientCredentialsAppTokenProvider } from './clientCredentialsAppTokenProvider';
export { encryptedCachePlugin, encryptCache, decryptCache, type TokenCacheStore } from './encryptedTokenCache';
export { mapMsalError } from './msalErrors';
export { SCOPES } from './scopes';
