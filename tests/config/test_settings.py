"""Settings come from the environment; production settings pass `check --deploy` cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-real-production-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0zyxwvu",
        DEBUG="false",
        HTTPS="true",
        ALLOWED_HOSTS="match.example.jp",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key():
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "match.example.jp", "SECRET_KEY": ""}
    result = _manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert "sangaku.E001" in result.stdout + result.stderr


def test_a_bad_setting_value_fails_at_start_up_naming_the_variable():
    result = _manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_an_unknown_embedder_fails_at_start_up_naming_the_variable():
    result = _manage("check", MATCHING_EMBEDDER="word2vec")
    assert result.returncode != 0
    assert "MATCHING_EMBEDDER" in result.stderr


def test_health_probe_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_relevance_floor_above_the_strong_band_fails_at_start_up_naming_it():
    result = _manage("check", MATCHING_RELEVANCE_FLOOR="0.9", MATCHING_RELEVANCE_STRONG="0.8")
    assert result.returncode != 0
    assert "MATCHING_RELEVANCE_FLOOR" in result.stderr
