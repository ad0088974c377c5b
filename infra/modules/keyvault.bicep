// Key Vault in RBAC mode holding every secret the service reads: the bot's client secret, the
// clientState of Graph change notifications, the Graph client secret (graphAuth 'secret') and
// the database URL with its password (PostgreSQL). The apps' managed identity may read secrets
// and nothing else; app settings reference them (@Microsoft.KeyVault(SecretUri=...)).
param name string
param location string
param readerPrincipalId string
@secure()
param botAppPassword string
@secure()
param graphNotificationSecret string
param storeGraphClientSecret bool = false
@secure()
param graphClientSecret string = ''
param storeDatabaseUrl bool = false
@secure()
param databaseUrl string = ''
@description('With a Graph client certificate: the "Microsoft Azure App Service" service principal, which loads it from the vault (it reads the certificate and its private key, kept as a secret).')
param certificateReaderPrincipalId string = ''
param softDeleteRetentionInDays int = 90
param tags object = {}

// Built-in roles "Key Vault Secrets User" (read secret contents) and "Key Vault Certificate
// User" (read certificates).
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var certificateUserRoleId = 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, readerPrincipalId, secretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource certificateSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(certificateReaderPrincipalId)) {
  scope: vault
  name: guid(vault.id, certificateReaderPrincipalId, secretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: certificateReaderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource certificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(certificateReaderPrincipalId)) {
  scope: vault
  name: guid(vault.id, certificateReaderPrincipalId, certificateUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', certificateUserRoleId)
    principalId: certificateReaderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

module botAppPasswordSecret 'secret.bicep' = {
  name: 'secret-bot-app-password'
  params: {
    vaultName: vault.name
    name: 'bot-app-password'
    value: botAppPassword
  }
}

module notificationSecret 'secret.bicep' = {
  name: 'secret-graph-notification'
  params: {
    vaultName: vault.name
    name: 'graph-notification-secret'
    value: graphNotificationSecret
  }
}

module graphClientSecretSecret 'secret.bicep' = if (storeGraphClientSecret) {
  name: 'secret-graph-client'
  params: {
    vaultName: vault.name
    name: 'graph-client-secret'
    value: graphClientSecret
  }
}

module databaseUrlSecret 'secret.bicep' = if (storeDatabaseUrl) {
  name: 'secret-database-url'
  params: {
    vaultName: vault.name
    name: 'database-url'
    value: databaseUrl
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output botAppPasswordUri string = botAppPasswordSecret.outputs.uri
output graphNotificationSecretUri string = notificationSecret.outputs.uri
output graphClientSecretUri string = storeGraphClientSecret ? graphClientSecretSecret.outputs.uri : ''
output databaseUrlUri string = storeDatabaseUrl ? databaseUrlSecret.outputs.uri : ''
// The role assignment is part of this module, so a dependent app starts only once it exists.
output secretsUserAssignmentId string = secretsUser.id
