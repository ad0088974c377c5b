"""The bot entry point on the Microsoft 365 Agents SDK: thin handlers over use cases and cards."""
