"""SECRET_KEY_FILE: the key read from a file kept off the data disk (a Docker secret, a tmpfs
file) instead of SECRET_KEY; both set, or a file that cannot be read, stop the bot with one
line that names the setting and never shows the key."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from storage.crypto import Keys
from tests.fake_telegram import FakeUser
from tests.harness import SECRET, TOKEN, BotProcess, bot_env
from tests.report_helpers import L

OTHER_SECRET = "another-secret-key-0123456789abcdef0123456789"
KEY_VARIABLES = ("SECRET_KEY", "SECRET_KEY_FILE", "SECRET_KEY_PREVIOUS", "SECRET_KEY_PREVIOUS_FILE")


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)


def key_file(folder: Path, text: str, name: str = "secret_key") -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o400)
    return path


def refusal(**settings: object) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **settings)
    line = str(caught.value)
    assert line.startswith("configuration error: ") and "\n" not in line
    assert SECRET not in line and OTHER_SECRET not in line
    return line


def test_the_key_is_read_from_the_file_without_its_newline(tmp_path):
    settings = load_settings(_env_file=None, secret_key_file=key_file(tmp_path, SECRET + "\n"))
    assert settings.secret_key.get_secret_value() == SECRET
    assert settings.keys().fingerprint() == Keys(SECRET).fingerprint()
    crlf = load_settings(_env_file=None, secret_key_file=key_file(tmp_path, SECRET + "\r\n", "crlf"))
    assert crlf.keys().fingerprint() == Keys(SECRET).fingerprint()


def test_the_previous_key_too(tmp_path):
    settings = load_settings(_env_file=None, secret_key=OTHER_SECRET,
                             secret_key_previous_file=key_file(tmp_path, SECRET + "\n"))
    assert settings.keys().previous_fingerprints() == [Keys(SECRET).fingerprint()]


def test_an_empty_secret_key_beside_the_file_is_not_set(tmp_path, monkeypatch):
    """.env.example has ``SECRET_KEY=`` and ``SECRET_KEY_PREVIOUS=``: empty means not set."""
    monkeypatch.setenv("SECRET_KEY", "")
    monkeypatch.setenv("SECRET_KEY_PREVIOUS", "")
    monkeypatch.setenv("SECRET_KEY_PREVIOUS_FILE", "")
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file(tmp_path, SECRET + "\n")))
    settings = load_settings(_env_file=None)
    assert settings.secret_key.get_secret_value() == SECRET and settings.secret_key_previous is None


def test_both_set_is_refused(tmp_path):
    line = refusal(secret_key=OTHER_SECRET, secret_key_file=key_file(tmp_path, SECRET))
    assert "SECRET_KEY and SECRET_KEY_FILE are both set" in line
    line = refusal(secret_key=OTHER_SECRET, secret_key_previous=SECRET,
                   secret_key_previous_file=key_file(tmp_path, SECRET))
    assert "SECRET_KEY_PREVIOUS and SECRET_KEY_PREVIOUS_FILE are both set" in line


def test_a_missing_unreadable_or_weak_file_is_refused(tmp_path):
    missing = tmp_path / "no-such-key"
    assert refusal(secret_key_file=missing) == \
        f"configuration error: SECRET_KEY_FILE {missing} cannot be read (No such file or directory)"
    assert "SECRET_KEY_FILE" in refusal(secret_key_file=tmp_path)  # a folder
    weak = key_file(tmp_path, "short-key\n", "weak")
    line = refusal(secret_key_file=weak)
    assert "SECRET_KEY_FILE" in line and "at least 32 characters" in line and "short-key" not in line
    huge = key_file(tmp_path, SECRET * 200, "huge")
    assert "SECRET_KEY_FILE" in refusal(secret_key_file=huge)
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe" * 20)
    assert "not text" in refusal(secret_key_file=binary)


def test_neither_is_refused_naming_both():
    line = refusal()
    assert "SECRET_KEY is required" in line and "SECRET_KEY_FILE" in line


async def test_the_bot_runs_on_a_key_file_and_keeps_the_key_out_of_its_output(fake, tmp_path):
    data_dir = tmp_path / "data"
    keys_dir = tmp_path / "tmpfs"  # another disk than DATA_DIR's, in a real deployment
    keys_dir.mkdir()
    env = {**bot_env(fake, data_dir), "SECRET_KEY": "", "SECRET_KEY_FILE": str(key_file(keys_dir, SECRET + "\n")),
           "LOG_LEVEL": "DEBUG"}
    bot = BotProcess(env)
    await bot.start(fake)
    (reply,) = await FakeUser(fake, 7301, language_code="kk").say("/start")
    assert reply.message["text"] == L("kk", "start.greeting")
    status, log = await bot.stop(signal.SIGTERM)
    assert status == 0, log
    assert SECRET not in log and TOKEN not in log

    # Both at once: refused in one line, before anything is opened.
    both = BotProcess({**env, "SECRET_KEY": OTHER_SECRET})
    await both.start()
    status, out, err = await both.finish()
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "SECRET_KEY and SECRET_KEY_FILE are both set" in err
    assert SECRET not in err + out and OTHER_SECRET not in err + out and "Traceback" not in err

    # The database made with the file's key does not open with another one in a file.
    other = BotProcess({**env, "SECRET_KEY_FILE": str(key_file(keys_dir, OTHER_SECRET, "other"))})
    await other.start()
    status, out, err = await other.finish()
    assert status == 2 and "SECRET_KEY is not the key this database was made with" in err, err
    assert SECRET not in err and OTHER_SECRET not in err
    assert fake.refused == [], f"the bot made calls Telegram would refuse: {fake.refused}"
