"""The finite choices of a report (roles, categories, regions), from the domain brief.

Codes are stored in the database and carried in callback data; labels live in the catalogs
under ``role.<code>``, ``group.<code>``, ``category.<code>`` and ``region.<code>``.
"""

from __future__ import annotations

REPORTER_ROLES: tuple[str, ...] = ("voter", "observer", "other")

# Category groups, each with its categories; a group with one category skips the second menu.
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "pressure": ("coercion_work", "coercion_study", "proof_demanded", "signatures", "vote_buying"),
    "station": ("stuffing", "issuance", "secrecy", "voter_lists", "outsiders", "accessibility"),
    "count": ("counting", "protocol"),
    "observers": ("observer_denied", "observer_removed", "observer_restricted", "protocol_copy"),
    "campaign": ("campaign_place", "campaign_officials", "campaign_silence"),
    "other": ("other",),
}
CATEGORIES: dict[str, str] = {
    category: group for group, categories in CATEGORY_GROUPS.items() for category in categories
}

# 17 regions, 3 cities of republican significance, and precincts abroad.
REGIONS: tuple[str, ...] = (
    "astana", "almaty_city", "shymkent",
    "abai", "akmola", "aktobe", "almaty_region", "atyrau", "east_kz", "jetisu", "karaganda",
    "kostanay", "kyzylorda", "mangystau", "north_kz", "pavlodar", "turkestan", "ulytau",
    "west_kz", "zhambyl",
    "abroad",
)
