// Learning Loop on Azure: a resource group deployment (infra/README.md has the command).
//
//   identity    user-assigned managed identity the apps run as
//   monitoring  Log Analytics + Application Insights
//   network     private network for the database (PostgreSQL only)
//   postgres    Azure Database for PostgreSQL flexible server (optional; on with instanceCount > 1)
//   keyvault    Key Vault (RBAC) with every secret; app settings reference it
//   appservice  Linux plan, the web app (`learning-loop serve`), the worker app (instanceCount > 1)
//   bot         Azure Bot, Teams channel, messaging endpoint on the web app's /api/messages

targetScope = 'resourceGroup'

@description('Short name the resources are named after (lower-case letters and digits, starting with a letter).')
@minLength(3)
@maxLength(12)
param prefix string = 'learnloop'

param location string = resourceGroup().location

@description('The bot\'s Microsoft Entra app registration (single tenant): its application (client) id.')
param botAppId string

@description('The bot app registration\'s client secret; stored in Key Vault, never in an app setting.')
@secure()
param botAppPassword string

@description('The tenant of the bot app registration (and the tenant served).')
param tenantId string = subscription().tenantId

@description('Tenant ids whose activities are served; empty: the tenant above only.')
param allowedTenants array = []

@description('How the service signs in to Microsoft Graph: the managed identity (no secret at all), or an app registration with its client secret or its certificate, both kept in Key Vault.')
@allowed([
  'managed_identity'
  'secret'
  'certificate'
])
param graphAuth string = 'managed_identity'

@description('With graphAuth "secret" or "certificate": the Graph app registration\'s client id.')
param graphClientId string = ''

@description('With graphAuth "secret": its client secret; stored in Key Vault.')
@secure()
param graphClientSecret string = ''

@description('With graphAuth "certificate": the name of the certificate (with its private key) in this deployment\'s Key Vault. Import it after the first deployment (infra/README.md).')
param graphCertificateName string = ''

@description('With graphAuth "certificate": the object id of the "Microsoft Azure App Service" service principal in your tenant (az ad sp show --id abfa0a7c-a6b6-4736-8310-5855508787cd --query id -o tsv), which loads the certificate from Key Vault.')
param appServiceProviderObjectId string = ''

@description('The clientState every Graph calendar subscription carries (16-128 characters); stored in Key Vault.')
@secure()
@minLength(16)
@maxLength(128)
param graphNotificationSecret string

@description('The app\'s id in the Teams app catalog (Teams admin center, Manage apps), so the service can install it for people; empty until the package is uploaded.')
param graphTeamsAppId string = ''

@description('Entra group id of the learning leads (they may plan for anyone); empty: nobody.')
param learningLeadsGroup string = ''

@description('App Service plan SKU (Basic or higher: always on, health check, VNet integration).')
param appServiceSku string = 'P0v3'

@description('Instances of the plan. More than one turns PostgreSQL on and moves the job workers into an app of their own.')
@minValue(1)
@maxValue(30)
param instanceCount int = 1

@description('Web processes `learning-loop serve` starts per instance (LEARNING_LOOP_PROCESSES; one with SQLite).')
@minValue(1)
@maxValue(64)
param webProcesses int = 2

@description('Jobs run at once by the worker (LEARNING_LOOP_WORKERS).')
@minValue(1)
@maxValue(64)
param workerConcurrency int = 8

@description('Azure Database for PostgreSQL flexible server instead of SQLite; always on with more than one instance.')
param enablePostgres bool = false

@description('The PostgreSQL administrator password (with PostgreSQL); stored in Key Vault inside the database URL.')
@secure()
param postgresAdministratorPassword string = ''

param postgresSku string = 'Standard_B1ms'
param postgresTier string = 'Burstable'

@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

param tags object = {
  app: 'learning-loop'
}

var suffix = uniqueString(resourceGroup().id)
var base = toLower(prefix)
var usePostgres = enablePostgres || instanceCount > 1
var separateWorker = instanceCount > 1
var servedTenants = empty(allowedTenants) ? [
  tenantId
] : allowedTenants

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${base}-id-${suffix}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: '${base}-logs-${suffix}'
    appInsightsName: '${base}-ai-${suffix}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (usePostgres) {
  name: 'network'
  params: {
    name: '${base}-vnet-${suffix}'
    location: location
    tags: tags
  }
}

module postgres 'modules/postgres.bicep' = if (usePostgres) {
  name: 'postgres'
  params: {
    name: '${base}-pg-${suffix}'
    location: location
    administratorPassword: postgresAdministratorPassword
    delegatedSubnetId: usePostgres ? network.outputs.databaseSubnetId : ''
    privateDnsZoneId: usePostgres ? network.outputs.privateDnsZoneId : ''
    entraAdminPrincipalId: identity.outputs.principalId
    entraAdminPrincipalName: identity.outputs.name
    skuName: postgresSku
    skuTier: postgresTier
    tags: tags
  }
}

var databaseUrl = usePostgres ? 'postgresql+asyncpg://${postgres.outputs.administratorLogin}:${uriComponent(postgresAdministratorPassword)}@${postgres.outputs.host}:5432/${postgres.outputs.databaseName}?ssl=require' : ''

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${base}kv${suffix}', 24)
    location: location
    readerPrincipalId: identity.outputs.principalId
    botAppPassword: botAppPassword
    graphNotificationSecret: graphNotificationSecret
    storeGraphClientSecret: graphAuth == 'secret'
    graphClientSecret: graphClientSecret
    storeDatabaseUrl: usePostgres
    certificateReaderPrincipalId: (graphAuth == 'certificate') ? appServiceProviderObjectId : ''
    databaseUrl: databaseUrl
    tags: tags
  }
}

module appService 'modules/appservice.bicep' = {
  name: 'appservice'
  params: {
    planName: '${base}-plan-${suffix}'
    webAppName: '${base}-${suffix}'
    workerAppName: '${base}-worker-${suffix}'
    location: location
    skuName: appServiceSku
    instanceCount: instanceCount
    separateWorker: separateWorker
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    appSubnetId: usePostgres ? network.outputs.appSubnetId : ''
    workspaceId: monitoring.outputs.workspaceId
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    appId: botAppId
    appTenantId: tenantId
    allowedTenants: join(servedTenants, ',')
    botAppPasswordUri: keyVault.outputs.botAppPasswordUri
    graphAuth: graphAuth
    graphClientId: (graphAuth == 'managed_identity') ? identity.outputs.clientId : graphClientId
    graphTenantId: tenantId
    graphClientSecretUri: keyVault.outputs.graphClientSecretUri
    keyVaultId: keyVault.outputs.id
    graphCertificateName: (graphAuth == 'certificate') ? graphCertificateName : ''
    graphNotificationSecretUri: keyVault.outputs.graphNotificationSecretUri
    graphTeamsAppId: graphTeamsAppId
    learningLeadsGroup: learningLeadsGroup
    databaseUrlUri: keyVault.outputs.databaseUrlUri
    webProcesses: webProcesses
    workerConcurrency: workerConcurrency
    tags: tags
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${base}-bot-${suffix}'
    webHost: appService.outputs.webHost
    appId: botAppId
    appTenantId: tenantId
    sku: botSku
    tags: tags
  }
}

output botEndpoint string = bot.outputs.endpoint
output botAppId string = bot.outputs.appId
output webHost string = appService.outputs.webHost
output webAppName string = appService.outputs.webAppName
output workerAppName string = appService.outputs.workerAppName
output keyVaultName string = keyVault.outputs.name
output managedIdentityClientId string = identity.outputs.clientId
output managedIdentityPrincipalId string = identity.outputs.principalId
