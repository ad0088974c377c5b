// One Key Vault secret (a module, so that an optional secret is switched on at the module).
param vaultName string
param name string
@secure()
param value string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: name
  properties: {
    value: value
    contentType: 'text/plain'
  }
}

// Versionless: App Service follows a rotated secret within a day (or on restart).
output uri string = secret.properties.secretUri
