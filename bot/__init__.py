"""Assembly of the bot: settings, the Application builder and the entry point ``python -m bot``."""
