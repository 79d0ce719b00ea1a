"""Translation catalogs: ``<lang>/LC_MESSAGES/messages.po`` for kk, ru and en.

Message ids are stable keys (``start.greeting``); every user-facing text lives here.
"""

from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
