// The user-assigned managed identity the apps run as: it reads the Key Vault secrets, is the
// PostgreSQL Microsoft Entra administrator when the database is on, and (graphAuth
// 'managed_identity') holds the Microsoft Graph application permissions.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
