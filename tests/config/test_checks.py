"""Every setting is declared, typed and checked: bad values refuse to start with a check id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.core.checks import run_checks

from config.checks import RANGES
from tests.accounts.test_settings import PRODUCTION, run_manage

ROOT = Path(__file__).resolve().parents[2]
# Every app of the project, whichever apps later branches add.
APP_DIRS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _ids(**overrides) -> set[str]:
    from django.test import override_settings

    with override_settings(**overrides):
        return {message.id for message in run_checks() if message.id and message.id.startswith("tideline.")}


def test_the_default_settings_pass_every_check():
    assert _ids() == set()


@pytest.mark.parametrize("url", ["", "tideline.example.org", "ftp://tideline.example.org", "https://"])
def test_a_base_url_that_is_not_an_absolute_web_address_is_refused(url):
    assert _ids(TIDELINE_BASE_URL=url) == {"tideline.E001"}


@pytest.mark.parametrize("marking", ["", "   ", "OFFICIAL\nSENSITIVE"])
def test_an_empty_or_multi_line_marking_is_refused(marking):
    assert _ids(TIDELINE_PROTECTIVE_MARKING=marking) == {"tideline.E002"}


@pytest.mark.parametrize("name", sorted(RANGES))
def test_a_number_below_its_range_is_refused(name):
    smallest = RANGES[name][0]
    assert _ids(**{name: smallest - 1}) == {"tideline.E003"}
    assert _ids(**{name: smallest}) == set()


def test_a_port_above_its_range_or_a_number_of_the_wrong_type_is_refused():
    assert _ids(EMAIL_PORT=70000) == {"tideline.E003"}
    assert _ids(TIDELINE_FLAG_NO_CONTACT_DAYS="28") == {"tideline.E003"}
    assert _ids(TIDELINE_FLAG_MISSED_SESSIONS=True) == {"tideline.E003"}


def test_the_suppression_threshold_may_be_raised_but_not_lowered_below_five():
    assert _ids(TIDELINE_SUPPRESSION_THRESHOLD=4) == {"tideline.E004"}
    assert _ids(TIDELINE_SUPPRESSION_THRESHOLD=10) == set()


def test_a_negative_value_in_the_environment_refuses_to_start_naming_the_setting():
    result = run_manage("check", env_overrides={**PRODUCTION, "TIDELINE_FLAG_NO_CONTACT_DAYS": "-7"})
    assert result.returncode != 0
    assert "tideline.E003" in result.stderr and "TIDELINE_FLAG_NO_CONTACT_DAYS is -7" in result.stderr


def test_a_word_where_a_number_belongs_or_an_unknown_log_level_refuses_to_start():
    result = run_manage("check", env_overrides={**PRODUCTION, "TIDELINE_SUPPRESSION_THRESHOLD": "five"})
    assert result.returncode != 0
    assert "TIDELINE_SUPPRESSION_THRESHOLD must be a whole number" in result.stderr
    result = run_manage("check", env_overrides={**PRODUCTION, "LOG_LEVEL": "loud"})
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in result.stderr


def _settings_read_by_app_code() -> set[str]:
    names = set()
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "settings"
                    and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.attr)
                ):
                    names.add(node.attr)
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr")
                    and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id == "settings"
                    and isinstance(node.args[1], ast.Constant)  # a named setting, with a default
                ):
                    raise AssertionError(
                        f"{path}: read settings as settings.X, not {node.func.id}(settings, ...)"
                    )
    return names


def test_every_setting_app_code_reads_is_declared_in_settings_py():
    declared = {
        target.id
        for node in ast.parse((ROOT / "config" / "settings.py").read_text()).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    undeclared = {
        name
        for name in _settings_read_by_app_code()
        if name not in declared and not hasattr(global_settings, name)
    }
    assert undeclared == set()


def test_every_environment_variable_settings_py_reads_is_in_env_example():
    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert read - documented == set()
    assert settings.TIDELINE_FLAG_NO_CONTACT_DAYS == 28
