"""docker-compose.yml, Dockerfile, .env.example, README and .ci/run agree with the settings."""

from __future__ import annotations

import re

import yaml

from bot.settings import Settings
from tests.harness import PROJECT_ROOT

SETTINGS = {name.upper() for name in Settings.model_fields}
# For the Bot API server, and the bucket's client library, not the bot's own settings.
SERVER_ONLY = {"TELEGRAM_API_ID", "TELEGRAM_API_HASH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
               "AWS_DEFAULT_REGION"}


def env_example() -> dict[str, str]:
    lines = (PROJECT_ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_env_example_lists_every_setting_and_nothing_else():
    assert set(env_example()) == SETTINGS | SERVER_ONLY


def test_readme_documents_every_setting():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in SETTINGS:
        assert f"`{name}`" in readme, name


def test_compose_bot_service_matches_settings():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    bot = compose["services"]["bot"]
    assert bot["env_file"] == ".env"
    assert set(bot["environment"]) <= SETTINGS
    data_dir = bot["environment"]["DATA_DIR"]
    mounts = dict(volume.split(":")[:2][::-1] for volume in bot["volumes"])
    assert mounts[data_dir] in compose["volumes"], "DATA_DIR must be on a named volume"
    assert "profiles" not in bot


def test_compose_local_api_profile():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    api = compose["services"]["telegram-bot-api"]
    assert api["profiles"] == ["local-api"]
    assert api["environment"]["TELEGRAM_LOCAL"] == "1"
    shared = {v.split(":")[0] for v in api["volumes"]} & {v.split(":")[0] for v in compose["services"]["bot"]["volumes"]}
    assert shared, "the bot must see the files the local server hands over by path"
    assert "telegram-bot-api:8081" in (PROJECT_ROOT / ".env.example").read_text()


def test_dockerfile_data_dir_matches_compose():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    assert re.search(r"DATA_DIR=(\S+)", dockerfile).group(1) == compose["services"]["bot"]["environment"]["DATA_DIR"]
    assert 'CMD ["python", "-m", "bot"]' in dockerfile


def test_dockerfile_copies_every_package():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    packages = re.search(r'include = \[([^\]]+)\]', pyproject).group(1)
    for package in re.findall(r'"(\w+)\*"', packages):
        assert f"COPY {package} ./{package}" in dockerfile, package


def test_compose_checks_health():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    check = compose["services"]["bot"]["healthcheck"]
    assert "/health" in " ".join(check["test"]) and "HEALTH_PORT" in " ".join(check["test"])
    assert env_example()["HEALTH_PORT"] == "8081"  # the dashboard has 8080


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    command = re.search(r"<!-- test-command -->\s*```(?:sh|bash)?\n(.+?)\n```", readme, re.S).group(1).strip()
    assert command in (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv" in command


def test_compose_serves_the_dashboard_over_https_in_a_profile():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    proxy = compose["services"]["https"]
    assert proxy["profiles"] == ["https"] and proxy["image"].startswith("caddy")
    assert f"bot:{env_example()['WEB_PORT']}" in proxy["command"]
    assert compose["services"]["bot"]["environment"]["WEB_HOST"] == "0.0.0.0"
    assert "ports" not in compose["services"]["bot"]  # only the proxy is reachable from outside
