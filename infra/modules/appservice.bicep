// The Linux App Service plan and the apps on it: the web app running `learning-loop serve`
// (the bot endpoint /api/messages, /healthz, /readyz, Graph change notifications) and, with
// more than one instance, the job workers as an app of their own (PostgreSQL is then on).
//
// App Service starts an app only once it answers HTTP on its port, and a process that never
// listens is restarted as failed. So the worker app runs `learning-loop serve --processes 1`:
// its web side answers App Service's start and health probes on /readyz and is closed to
// everyone else (access restrictions), and its job workers run the queue; the web app then
// runs no jobs (LEARNING_LOOP_WORKERS=0).
param planName string
param webAppName string
param workerAppName string
param location string
param skuName string = 'P0v3'
@minValue(1)
@maxValue(30)
param instanceCount int = 1
param separateWorker bool = false
@minValue(1)
param workerInstanceCount int = 1
param identityId string
param identityClientId string
param appSubnetId string = ''
param workspaceId string
param appInsightsConnectionString string

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
param keyVaultId string
@description('With graphAuth "certificate": the certificate\'s name in the Key Vault.')
param graphCertificateName string = ''
param graphNotificationSecretUri string
param graphTeamsAppId string = ''
param learningLeadsGroup string = ''
param databaseUrlUri string = ''
@minValue(1)
@maxValue(64)
param webProcesses int = 2
@minValue(1)
@maxValue(64)
param workerConcurrency int = 8
param tags object = {}

// SQLite lives on the app's network share (/home): one instance and one process, never several
// writers over the share.
var usePostgres = !empty(databaseUrlUri)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
    // The worker app may run on fewer instances than the web app.
    perSiteScaling: true
    zoneRedundant: false
  }
}

// The Graph client certificate, loaded from Key Vault into the plan; the apps name its
// thumbprint and App Service puts it at /var/ssl/private/<thumbprint>.p12.
resource graphCertificate 'Microsoft.Web/certificates@2024-04-01' = if (graphAuth == 'certificate') {
  name: '${webAppName}-graph'
  location: location
  tags: tags
  properties: {
    keyVaultId: keyVaultId
    keyVaultSecretName: graphCertificateName
    serverFarmId: plan.id
  }
}

var graphCertificateThumbprint = (graphAuth == 'certificate') ? graphCertificate.properties.thumbprint : ''

module web 'site.bicep' = {
  name: 'site-web'
  params: {
    name: webAppName
    location: location
    planId: plan.id
    role: 'web'
    instanceCount: instanceCount
    identityId: identityId
    identityClientId: identityClientId
    appSubnetId: appSubnetId
    workspaceId: workspaceId
    appInsightsConnectionString: appInsightsConnectionString
    appId: appId
    appTenantId: appTenantId
    allowedTenants: allowedTenants
    botAppPasswordUri: botAppPasswordUri
    graphAuth: graphAuth
    graphClientId: graphClientId
    graphTenantId: graphTenantId
    graphClientSecretUri: graphClientSecretUri
    graphCertificateThumbprint: graphCertificateThumbprint
    graphNotificationSecretUri: graphNotificationSecretUri
    graphTeamsAppId: graphTeamsAppId
    learningLeadsGroup: learningLeadsGroup
    databaseUrlUri: databaseUrlUri
    processes: usePostgres ? webProcesses : 1
    workers: separateWorker ? 0 : workerConcurrency
    tags: tags
  }
}

module worker 'site.bicep' = if (separateWorker) {
  name: 'site-worker'
  params: {
    name: workerAppName
    location: location
    planId: plan.id
    role: 'worker'
    instanceCount: workerInstanceCount
    identityId: identityId
    identityClientId: identityClientId
    appSubnetId: appSubnetId
    workspaceId: workspaceId
    appInsightsConnectionString: appInsightsConnectionString
    webHost: web.outputs.host
    appId: appId
    appTenantId: appTenantId
    allowedTenants: allowedTenants
    botAppPasswordUri: botAppPasswordUri
    graphAuth: graphAuth
    graphClientId: graphClientId
    graphTenantId: graphTenantId
    graphClientSecretUri: graphClientSecretUri
    graphCertificateThumbprint: graphCertificateThumbprint
    graphNotificationSecretUri: graphNotificationSecretUri
    graphTeamsAppId: graphTeamsAppId
    learningLeadsGroup: learningLeadsGroup
    databaseUrlUri: databaseUrlUri
    processes: 1
    workers: workerConcurrency
    tags: tags
  }
}

output webHost string = web.outputs.host
output webAppName string = web.outputs.name
output workerAppName string = separateWorker ? worker.outputs.name : ''
