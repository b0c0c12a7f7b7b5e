"""bandit (static security analysis) reports no high-severity finding in the project's code.

Configured in pyproject.toml ([tool.bandit]: tests, .venv and node_modules are not scanned).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_nothing_of_high_severity():
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-lll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}"
        for item in report["results"]
    ]
    assert result.returncode == 0 and not findings, "\n".join(findings) or result.stderr[-2000:]
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 10_000, f"bandit scanned only {scanned} lines: is the configuration excluding the apps?"
    names = set(report["metrics"])
    assert any("casework" in name for name in names) and not any("/tests/" in name for name in names)
