"""Translation catalogs for kk, ru and en: ``<lang>/LC_MESSAGES/messages.po`` holds the
interface, ``documents.po`` the legal documents (complaints), so a lawyer can review them apart.

Message ids are stable keys (``start.greeting``); every user-facing text lives here.
"""

from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
