"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-like-secret-for-the-check-" + "x" * 20,
    "ALLOWED_HOSTS": "tideline.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
    "TIDELINE_SECURE_COOKIES": "true",
}


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "TIDELINE_SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_refuses_to_start_with_the_default_secret_key():
    result = run_manage("check", env_overrides={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_refuses_a_malformed_boolean():
    result = run_manage("check", env_overrides={**PRODUCTION, "TIDELINE_REQUIRE_MFA": "perhaps"})
    assert result.returncode != 0
    assert "TIDELINE_REQUIRE_MFA must be true or false" in result.stderr
