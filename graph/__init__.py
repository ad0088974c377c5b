"""Microsoft Graph: the adapter the product uses and the demo organisation for local runs."""
