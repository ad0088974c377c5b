// The Azure Bot resource: a single-tenant Microsoft Entra app registration (the service signs
// in to the Bot Connector with its client secret), the Teams channel, and the messaging
// endpoint on the web app's /api/messages.
param name string
param displayName string = 'Learning Loop'
param webHost string
param appId string
param appTenantId string
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'
param tags object = {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: 'https://${webHost}/api/messages'
    msaAppType: 'SingleTenant'
    msaAppId: appId
    msaAppTenantId: appTenantId
    // Teams needs no channel keys; Direct Line and Web Chat keys stay off.
    disableLocalAuth: true
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

output endpoint string = bot.properties.endpoint
output appId string = bot.properties.msaAppId
