import type { Resource } from './tokenProvider';

/** `.default` asks for the permissions consented to the bot's app registration for that API. */
export const SCOPES: Readonly<Record<Resource, string>> = {
  graph: 'https://graph.microsoft.com/.default',
  arm: 'https://management.azure.com/.default',
};
