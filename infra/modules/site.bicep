// One Linux app on the plan running Learning Loop: the web app (`learning-loop serve`) or the
// worker app (`learning-loop serve --processes 1` with the job workers; see appservice.bicep).
// Its settings (teams_app/settings.py, the README's configuration table) name every secret by
// a Key Vault reference, never by value.
param name string
param location string
param planId string
@allowed([
  'web'
  'worker'
])
param role string
@minValue(1)
param instanceCount int = 1
param pythonVersion string = '3.12'
param identityId string
param identityClientId string
param appSubnetId string = ''
param workspaceId string
param appInsightsConnectionString string
@description('The public host of the web app (Graph notifications go there); empty: this app\'s own.')
param webHost string = ''

param appId string
param appTenantId string
param allowedTenants string
param botAppPasswordUri string
@allowed([
  'managed_identity'
  'secret'
  'certificate'
])
param graphAuth string
param graphClientId string
param graphTenantId string
param graphClientSecretUri string = ''
@description('With graphAuth "certificate": the thumbprint of the certificate loaded into the plan.')
param graphCertificateThumbprint string = ''
param graphNotificationSecretUri string
param graphTeamsAppId string = ''
param learningLeadsGroup string = ''
param databaseUrlUri string = ''
@minValue(1)
@maxValue(64)
param processes int = 1
@minValue(0)
@maxValue(64)
param workers int = 1
param tags object = {}

// App Service sends requests to this port (WEBSITES_PORT); the service binds it on 0.0.0.0.
var port = 8000
var usePostgres = !empty(databaseUrlUri)
// Without PostgreSQL the state is a SQLite file on the app's persistent storage (/home).
var sqliteUrl = 'sqlite+aiosqlite:////home/data/learning-loop.db'
var kvPrefix = '@Microsoft.KeyVault(SecretUri='
var publicHost = empty(webHost) ? site.properties.defaultHostName : webHost
var isWorker = role == 'worker'
// With a Graph certificate: App Service loads it into the app as a PKCS12 file without a
// password at /var/ssl/private/<thumbprint>.p12 (WEBSITE_LOAD_CERTIFICATES).
var certificateSettings = (graphAuth == 'certificate') ? {
  WEBSITE_LOAD_CERTIFICATES: graphCertificateThumbprint
  LEARNING_LOOP_GRAPH_CERTIFICATE_PATH: '/var/ssl/private/${graphCertificateThumbprint}.p12'
} : {}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      linuxFxVersion: 'PYTHON|${pythonVersion}'
      appCommandLine: isWorker ? 'learning-loop serve --processes 1' : 'learning-loop serve'
      healthCheckPath: '/readyz'
      alwaysOn: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      httpLoggingEnabled: true
      detailedErrorLoggingEnabled: true
      requestTracingEnabled: true
      vnetRouteAllEnabled: !empty(appSubnetId)
      numberOfWorkers: instanceCount
      // The worker app answers only App Service's own start and health probes.
      ipSecurityRestrictionsDefaultAction: isWorker ? 'Deny' : 'Allow'
      scmIpSecurityRestrictionsUseMain: false
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(certificateSettings, {
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
    WEBSITES_PORT: string(port)
    WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'true'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    AZURE_CLIENT_ID: identityClientId
    LEARNING_LOOP_HOST: '0.0.0.0'
    LEARNING_LOOP_PORT: string(port)
    LEARNING_LOOP_PROCESSES: string(processes)
    LEARNING_LOOP_WORKERS: string(workers)
    LEARNING_LOOP_LOG_JSON: 'true'
    LEARNING_LOOP_APP_ID: appId
    LEARNING_LOOP_APP_PASSWORD: '${kvPrefix}${botAppPasswordUri})'
    LEARNING_LOOP_APP_TENANT_ID: appTenantId
    LEARNING_LOOP_ALLOWED_TENANTS: allowedTenants
    LEARNING_LOOP_DATABASE_URL: usePostgres ? '${kvPrefix}${databaseUrlUri})' : sqliteUrl
    LEARNING_LOOP_GRAPH_AUTH: graphAuth
    LEARNING_LOOP_GRAPH_CLIENT_ID: graphClientId
    LEARNING_LOOP_GRAPH_TENANT_ID: graphTenantId
    LEARNING_LOOP_GRAPH_CLIENT_SECRET: (graphAuth == 'secret') ? '${kvPrefix}${graphClientSecretUri})' : ''
    LEARNING_LOOP_GRAPH_TEAMS_APP_ID: graphTeamsAppId
    LEARNING_LOOP_GRAPH_NOTIFICATION_URL: 'https://${publicHost}/api/graph/notifications'
    LEARNING_LOOP_GRAPH_LIFECYCLE_URL: 'https://${publicHost}/api/graph/lifecycle'
    LEARNING_LOOP_GRAPH_NOTIFICATION_SECRET: '${kvPrefix}${graphNotificationSecretUri})'
    LEARNING_LOOP_LEARNING_LEADS_GROUP: learningLeadsGroup
  })
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: site
  name: 'logs'
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

// Deployments sign in with Microsoft Entra ID; no FTP or basic-auth publishing credentials.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output host string = site.properties.defaultHostName
output name string = site.name
