"""Settings from the environment and an optional ``.env``, validated at start-up."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from datetime import date, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.counts import DISCREPANCY_DEFAULT, FIGURE_MAX
from domain.rules import DEFAULT_LANGUAGE, Language
from storage.crypto import Keys

_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
MIN_SECRET = 32  # characters of SECRET_KEY (and SECRET_KEY_PREVIOUS)
_KEY_FILE_LIMIT = 4096  # bytes: a key file is one line; more means the setting names the wrong file


class Settings(BaseSettings):
    """Every variable the bot reads; see README.md and .env.example for each."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    # Required, from SECRET_KEY or SECRET_KEY_FILE (one of the two): _key_files fills it in.
    secret_key: SecretStr | None = None
    secret_key_previous: SecretStr | None = None
    # A file holding the key (a Docker secret, a tmpfs file), so that it need not sit in .env
    # beside the data it protects; read at start, a trailing newline dropped.
    secret_key_file: Path | None = None
    secret_key_previous_file: Path | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_local_mode: bool = False
    data_dir: Path = Path("./data")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    moderator_chat_id: int | None = None
    moderator_language: Language = DEFAULT_LANGUAGE
    stale_alert_minutes: int = Field(default=30, ge=1, le=1440)
    digest_time: time = time(9, 0)
    backup_time: time = time(3, 0)
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_dir: Path | None = None
    backup_url: str | None = None
    backup_s3_endpoint: str | None = None
    # Between the nightly archives, one every this many minutes holding the database and only the
    # evidence files new since the last one (None: nightly only).
    backup_interval_minutes: int | None = Field(default=None, ge=1, le=1440)
    max_concurrent_updates: int = Field(default=64, ge=1, le=1024)
    telegram_pacing: bool = True
    # A burst that would hold the moderators' group more than a minute gives way to one summary
    # a minute; false: every report gets its card however long they queue.
    group_summaries: bool = True
    health_port: int | None = Field(default=None, ge=0, le=65535)
    health_host: str = "127.0.0.1"
    # Below this much free space in DATA_DIR the bot does not start and /health is 503 ...
    min_free_mb: int = Field(default=200, ge=1)
    # ... as it is when no call to Telegram has been answered this long (a long poll answers every 10 s),
    health_telegram_silence_seconds: int = Field(default=60, ge=1)
    # or when the outbox's oldest message has waited longer than this.
    health_outbox_max_age_seconds: int = Field(default=600, ge=1)
    # The moderators' web dashboard, served by the bot's own process; None turns it off.
    web_port: int | None = Field(default=8080, ge=0, le=65535)
    web_host: str = "127.0.0.1"
    public_url: str | None = None  # where people reach the dashboard (https for the Mini App)
    timezone: str = "Asia/Almaty"
    # Voting day (YYYY-MM-DD): complaints filed with a court or a prosecutor on it or in the five
    # days before it are due at once (Election Law art. 49); unset, every answer window is 5 days.
    election_day: date | None = None
    # An official protocol figure more than this many votes off the observers' agreed figure files
    # a protocol-discrepancy report (services.discrepancies).
    counts_discrepancy: int = Field(default=DISCREPANCY_DEFAULT, ge=0, le=FIGURE_MAX)
    log_level: str = "INFO"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN.match(value.get_secret_value()):
            raise ValueError("is not a bot token of the form 123456:ABC... (from @BotFather)")
        return value

    @field_validator("secret_key", "secret_key_previous")
    @classmethod
    def _secret_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET:
            raise ValueError(f"must be at least {MIN_SECRET} characters (see README: Keys)")
        return value

    @model_validator(mode="after")
    def _key_files(self) -> "Settings":
        """SECRET_KEY or SECRET_KEY_FILE, never both (which one wins would be a guess)."""
        self.secret_key = _key_from_file("SECRET_KEY", self.secret_key, self.secret_key_file)
        if self.secret_key is None:
            raise ValueError("SECRET_KEY is required but not set (nor SECRET_KEY_FILE, a file holding it)")
        self.secret_key_previous = _key_from_file("SECRET_KEY_PREVIOUS", self.secret_key_previous,
                                                  self.secret_key_previous_file)
        return self

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = [part for part in parts if not re.fullmatch(r"-?\d+", part)]
            if bad:
                raise ValueError("must be comma-separated numeric Telegram user ids")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("backup_url")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^s3://[a-z0-9][a-z0-9.\-]{1,62}(/.*)?$", value):
            raise ValueError("must be an address such as s3://my-bucket/kz-election-bot")
        return value

    @field_validator("secret_key", "secret_key_previous", "secret_key_file", "secret_key_previous_file",
                     "backup_dir", "backup_interval_minutes", "health_port", "web_port", "public_url", "backup_url",
                     "backup_s3_endpoint", mode="before")
    @classmethod
    def _unset(cls, value: object) -> object:
        """``NAME=`` in .env means not set (an empty path would be the current directory)."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("election_day", mode="before")
    @classmethod
    def _no_day(cls, value: object) -> object:
        """``ELECTION_DAY=`` in .env means not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone such as Asia/Almaty") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    def keys(self) -> Keys:
        """The keys derived from SECRET_KEY (and SECRET_KEY_PREVIOUS during a rotation)."""
        assert self.secret_key is not None  # _key_files refuses settings without one
        previous = [self.secret_key_previous.get_secret_value()] if self.secret_key_previous else []
        return Keys(self.secret_key.get_secret_value(), previous)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @property
    def backup_folder(self) -> Path:
        """Where backups go: BACKUP_DIR, or DATA_DIR/backups (the same disk: copy them off it)."""
        return self.backup_dir or self.data_dir / "backups"


def _key_from_file(name: str, value: SecretStr | None, path: Path | None) -> SecretStr | None:
    """The key ``name`` from the file of ``name``_FILE when that is set. Errors name the setting
    and the file, never what the file holds."""
    if path is None:
        return value
    if value is not None:
        raise ValueError(f"{name} and {name}_FILE are both set: keep one (the file keeps the key out of .env)")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_KEY_FILE_LIMIT + 1)
    except OSError as exc:
        raise ValueError(f"{name}_FILE {path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(raw) > _KEY_FILE_LIMIT:
        raise ValueError(f"{name}_FILE {path} is longer than a key ({_KEY_FILE_LIMIT} bytes): is it the right file?")
    try:
        key = raw.decode("utf-8").rstrip("\r\n")  # echo and editors end the file with a newline
    except UnicodeDecodeError:
        raise ValueError(f"{name}_FILE {path} is not text (UTF-8)") from None
    if len(key) < MIN_SECRET:
        raise ValueError(f"{name}_FILE {path} must hold at least {MIN_SECRET} characters (see README: Keys)")
    return SecretStr(key)


class SettingsError(Exception):
    """A configuration problem, told in one line that names the variable."""


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, or raise SettingsError with one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise SettingsError(f"configuration error: {problems}") from None


def load_or_report() -> Settings | None:
    """For the commands (``python -m bot``, ``bot.backup``, ``bot.restore``, ``bot.rekey``,
    ``bot.verify``): the settings, or None once the one-line configuration error is printed (exit
    status 2 follows)."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


def _describe(error: dict) -> str:
    if not error["loc"]:  # a check of several settings at once: its message names them
        return error["msg"].removeprefix("Value error, ")
    name = str(error["loc"][0]).upper()
    if error["type"] == "missing":
        return f"{name} is required but not set"
    return f"{name} {error['msg'].removeprefix('Value error, ')}"
