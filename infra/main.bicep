// The PIM bot in one resource group: the container (Azure Container Apps, the repository's Dockerfile)
// with liveness and readiness probes, a user-assigned managed identity, Key Vault holding every secret
// (the app reads them through Key Vault references), Blob Storage with public access off, Application
// Insights on a Log Analytics workspace, and the Azure Bot with the Teams channel and the SSO OAuth
// connection. The app registration (docs/deploy.md §1) is made beforehand: Bicep cannot create one.
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam
// Not compiled here (no Bicep CLI on the development machines): run `az bicep build -f infra/main.bicep`
// before the first deployment.
targetScope = 'resourceGroup'

@description('Short name used to derive every resource name (letters and digits, 3-12).')
@minLength(3)
@maxLength(12)
param baseName string

param location string = resourceGroup().location

@description('The container image built from the Dockerfile, e.g. contoso.azurecr.io/pim-bot:1.0.0.')
param containerImage string

@description('Registry server of containerImage when it is private (AcrPull for the managed identity is granted there, see docs/deploy.md); empty for a public image.')
param registryServer string = ''

@description('The app registration: Application (client) id = MicrosoftAppId.')
param botAppId string

@description('The app registration\'s tenant = MicrosoftAppTenantId (PIM is managed there).')
param botTenantId string = tenant().tenantId

@description('The app registration\'s client secret. Stored in Key Vault only; the Azure Bot\'s OAuth connection needs it too.')
@secure()
param botAppPassword string

@description('Secretless: the app registration has a federated identity credential for this template\'s managed identity (docs/deploy.md §8). The bot then gets MANAGED_IDENTITY_CLIENT_ID instead of MicrosoftAppPassword; botAppPassword is used only by the Azure Bot\'s OAuth connection.')
param useFederatedCredential bool = false

@description('Application ID URI of the SSO API: api://<domain>/botid-<botAppId> or api://botid-<botAppId>.')
param ssoAppIdUri string

@description('Name of the Azure Bot\'s OAuth connection (SSO_CONNECTION_NAME).')
param ssoConnectionName string = 'sso'

@description('32 random bytes, base64 (openssl rand -base64 32): encrypts the users\' token caches in storage. Stored in Key Vault only.')
@secure()
param tokenCacheKey string

@description('Public host name of the bot when a custom domain is bound; empty uses the Container Apps host name.')
param customHostName string = ''

@description('Optional settings (docs/deploy.md §4), e.g. { ADMIN_GROUP_ID: "...", APPROVERS_CHANNEL_ID: "...", TEAMS_APP_CATALOG_ID: "..." }. Not for secrets.')
param extraSettings object = {}

@minValue(1)
param minReplicas int = 1
@minValue(1)
param maxReplicas int = 3

@allowed(['F0', 'S1'])
param botSku string = 'S1'

var port = 3978
var suffix = uniqueString(resourceGroup().id, baseName)
var appName = toLower('${baseName}-bot')
var storageContainer = 'pimbot-state'
// Built-in role: Key Vault Secrets User.
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-id'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: false
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower('${baseName}st${suffix}'), 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    // No anonymous reads of any blob, TLS 1.2, HTTPS only.
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    // The bot authenticates with the account key from Key Vault (STORAGE_CONNECTION_STRING).
    allowSharedKeyAccess: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: storageContainer
  properties: { publicAccess: 'None' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${baseName}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secretAppPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!useFederatedCredential) {
  parent: vault
  name: 'microsoft-app-password'
  properties: { value: botAppPassword }
}

resource secretStorage 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource secretTokenCacheKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'token-cache-key'
  properties: { value: tokenCacheKey }
}

resource secretInsights 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'applicationinsights-connection-string'
  properties: { value: insights.properties.ConnectionString }
}

resource identityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${baseName}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var publicHost = empty(customHostName) ? '${appName}.${appEnvironment.properties.defaultDomain}' : customHostName

// Container Apps sets IDENTITY_ENDPOINT and IDENTITY_HEADER itself for an app with a managed identity.
var credentialSettings = useFederatedCredential
  ? [{ name: 'MANAGED_IDENTITY_CLIENT_ID', value: identity.properties.clientId }]
  : [{ name: 'MicrosoftAppPassword', secretRef: 'microsoft-app-password' }]

var settings = concat(credentialSettings, [
  { name: 'MicrosoftAppId', value: botAppId }
  { name: 'MicrosoftAppTenantId', value: botTenantId }
  { name: 'MicrosoftAppType', value: 'SingleTenant' }
  { name: 'SSO_APP_ID_URI', value: ssoAppIdUri }
  { name: 'SSO_CONNECTION_NAME', value: ssoConnectionName }
  { name: 'PUBLIC_BASE_URL', value: 'https://${publicHost}' }
  { name: 'STORAGE_CONNECTION_STRING', secretRef: 'storage-connection-string' }
  { name: 'STORAGE_CONTAINER', value: storageContainer }
  { name: 'TOKEN_CACHE_KEY', secretRef: 'token-cache-key' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'applicationinsights-connection-string' }
  { name: 'PORT', value: string(port) }
])

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [identityReadsSecrets]
  properties: {
    managedEnvironmentId: appEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'http'
        allowInsecure: false
      }
      // Key Vault references: resolved with the managed identity; no secret value is in this configuration.
      secrets: concat(useFederatedCredential ? [] : [{ name: 'microsoft-app-password', keyVaultUrl: secretAppPassword.properties.secretUri, identity: identity.id }], [
        { name: 'storage-connection-string', keyVaultUrl: secretStorage.properties.secretUri, identity: identity.id }
        { name: 'token-cache-key', keyVaultUrl: secretTokenCacheKey.properties.secretUri, identity: identity.id }
        { name: 'applicationinsights-connection-string', keyVaultUrl: secretInsights.properties.secretUri, identity: identity.id }
      ])
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identity.id }]
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: containerImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(settings, map(items(extraSettings), (s) => { name: s.key, value: string(s.value) }))
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 10
              timeoutSeconds: 2
              failureThreshold: 3
            }
            {
              // /readyz checks storage, Entra and Graph with a 2 s budget each.
              type: 'Readiness'
              httpGet: { path: '/readyz', port: port }
              periodSeconds: 15
              timeoutSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: '50' } } }
        ]
      }
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${baseName}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'PIM Assistant'
    endpoint: 'https://${publicHost}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
    developerAppInsightsApplicationId: insights.properties.AppId
    disableLocalAuth: false
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

// Teams SSO: the token service exchanges the Teams token for one to the bot's own API, which the bot
// then exchanges on-behalf-of the user for Graph and ARM (docs/deploy.md §2).
resource ssoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: bot
  name: ssoConnectionName
  location: 'global'
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: botAppId
    clientSecret: botAppPassword
    scopes: '${ssoAppIdUri}/access_as_user'
    parameters: [
      { key: 'tenantID', value: botTenantId }
      { key: 'tokenExchangeUrl', value: ssoAppIdUri }
    ]
  }
}

output botEndpoint string = 'https://${publicHost}/api/messages'
output publicBaseUrl string = 'https://${publicHost}'
output authCallbackRedirectUri string = 'https://${publicHost}/auth/callback'
output managedIdentityPrincipalId string = identity.properties.principalId
output managedIdentityClientId string = identity.properties.clientId
output keyVaultName string = vault.name
output storageAccountName string = storage.name
