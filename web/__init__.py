"""The moderators' web dashboard, served by the bot's own process (aiohttp, Jinja2 templates,
htmx): sign-in by a one-time link or as a Telegram Mini App, the queue, a report's page."""
