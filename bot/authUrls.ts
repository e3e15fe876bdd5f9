// Where the authority sends the browser back after a step-up sign-in. The sign-in URL itself is
// built by msal-node (services/identity: getAuthCodeUrl with PKCE and PIM's claims); the redirect
// URI is this path under the bot's public base URL (PUBLIC_BASE_URL in production, the bot's own
// listen address locally) and must be registered as a Web redirect URI of the app registration.

/** The path of the bot's callback, relative to its public base URL. */
export const AUTH_CALLBACK_PATH = '/auth/callback';
