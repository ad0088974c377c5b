"""checkov's Bicep checks over infra/: every check that fails is justified in infra/README.md's
table, and every justification there is for a check that still fails.

checkov runs from its own virtualenv (.venv-tools, made by scripts/setup --test), because its
dependency pins clash with the project's."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.infra.bicep import INFRA

CHECKOV = Path(__file__).resolve().parents[2] / ".venv-tools" / "bin" / "checkov"
README = INFRA / "README.md"


def scan() -> dict:
    # --skip-download: no guidelines or platform policies from the network; the checks ship
    # with the package.
    done = subprocess.run(
        [str(CHECKOV), "--directory", str(INFRA), "--framework", "bicep", "--skip-download",
         "--compact", "--quiet", "--output", "json"],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: some check failed
    report = json.loads(done.stdout)
    return report[0] if isinstance(report, list) else report


def failures(report: dict) -> set[tuple[str, str]]:
    """(check id, resource type) of every failed check."""
    return {
        (check["check_id"], check["resource"].rsplit(".", 1)[0])
        for check in report["results"]["failed_checks"]
    }


def justified() -> set[tuple[str, str]]:
    """(check id, resource type) of every row of the README's checkov table."""
    rows = re.findall(r"^\| (CKV2?_AZURE_\d+) \| `([^`]+)` \|", README.read_text(), re.MULTILINE)
    return set(rows)


@pytest.fixture(scope="module")
def report() -> dict:
    if not CHECKOV.exists():
        pytest.skip("checkov is not installed in .venv-tools (run scripts/setup --test)")
    return scan()


def test_checkov_parses_every_bicep_file(report: dict) -> None:
    assert report["check_type"] == "bicep"
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0


def test_every_failed_check_is_justified_in_the_readme(report: dict) -> None:
    missing = failures(report) - justified()
    assert not missing, f"failed checks with no justification in infra/README.md: {missing}"


def test_every_justification_is_for_a_check_that_still_fails(report: dict) -> None:
    stale = justified() - failures(report)
    assert not stale, f"infra/README.md justifies checks that now pass: {stale}"
