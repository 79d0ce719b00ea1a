"""The demonstration: the real bot against the built-in fake Telegram, a page that plays the
Telegram side in the browser, and a rehearsal of voting day (``python -m bot --demo``)."""
