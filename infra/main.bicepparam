// Parameters of infra/main.bicep. Secrets are never written here: they are read from the deploying
// shell's environment (set them from your secret store just before `az deployment group create`).
using './main.bicep'

param baseName = 'pimbot'
param containerImage = 'contoso.azurecr.io/pim-bot:0.1.0'
param registryServer = 'contoso.azurecr.io'

// The app registration (docs/deploy.md §1).
param botAppId = '00000000-0000-0000-0000-000000000000'
param botTenantId = '00000000-0000-0000-0000-000000000000'
param ssoAppIdUri = 'api://botid-00000000-0000-0000-0000-000000000000'
param ssoConnectionName = 'sso'

param botAppPassword = readEnvironmentVariable('BOT_APP_PASSWORD')
// openssl rand -base64 32
param tokenCacheKey = readEnvironmentVariable('TOKEN_CACHE_KEY')

param customHostName = ''
param extraSettings = {
  // ADMIN_GROUP_ID: '...'
  // APPROVERS_CHANNEL_ID: '19:...@thread.tacv2'
  // TEAMS_APP_CATALOG_ID: '...'
}
param minReplicas = 1
param maxReplicas = 3
