"""``make audit`` (issue 11b, item 7): never a clean bill without having looked."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("docservice_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pip_audit_is_pinned_for_the_tests():
    assert any(line.startswith("pip-audit==") for line in (ROOT / "requirements-test.txt").read_text().splitlines())
    assert "audit:" in (ROOT / "Makefile").read_text()


def test_the_pins_are_read_with_their_extras_and_includes(audit, tmp_path):
    (tmp_path / "base.txt").write_text("Flask==3.1.3\npsycopg[binary]==3.3.9  # a driver\n")
    (tmp_path / "all.txt").write_text("-r base.txt\nzxcvbn==4.5.0\n# pytest==1\n")
    assert audit.pinned(tmp_path / "all.txt") == {"flask": "3.1.3", "psycopg": "3.3.9", "zxcvbn": "4.5.0"}


def test_every_pinned_runtime_requirement_is_read(audit):
    pins = audit.pinned(ROOT / "requirements.txt")
    assert {"flask", "werkzeug", "flask-wtf", "flask-login", "zxcvbn"} <= set(pins)


def _dep(name, version="1.0", vulns=(), skip=None):
    return {"name": name, "version": version, "vulns": list(vulns)} if skip is None else \
        {"name": name, "skip_reason": skip}


def test_a_clean_report_of_every_pin_passes(audit):
    code, message = audit.judge({"dependencies": [_dep("Flask"), _dep("zxcvbn")]}, {"flask": "1.0", "zxcvbn": "1.0"})
    assert code == 0 and "2 packages checked" in message


def test_no_report_means_not_checked(audit):
    code, message = audit.judge(None, {"flask": "1.0"}, "ConnectionError: no route")
    assert code == 2 and "NOT CHECKED" in message and "no known" not in message


def test_a_package_it_could_not_look_up_means_not_checked(audit):
    report = {"dependencies": [_dep("Flask"), _dep("zxcvbn", skip="Dependency not found on PyPI")]}
    code, message = audit.judge(report, {"flask": "1.0", "zxcvbn": "1.0"})
    assert code == 2 and "zxcvbn" in message


def test_a_pin_missing_from_the_report_means_not_checked(audit):
    code, message = audit.judge({"dependencies": [_dep("Flask")]}, {"flask": "1.0", "zxcvbn": "1.0"})
    assert code == 2 and "zxcvbn: not in the report" in message


def test_an_empty_report_means_not_checked(audit):
    assert audit.judge({"dependencies": []}, {})[0] == 2


def test_vulnerabilities_are_listed_with_their_fixes(audit):
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["3.1.4"]}
    code, message = audit.judge({"dependencies": [_dep("Flask", "3.1.3", [vuln])]}, {"flask": "3.1.3"})
    assert code == 1 and "Flask 3.1.3: GHSA-xxxx (fixed in 3.1.4)" in message


def test_an_unreachable_database_says_not_checked_and_fails(tmp_path):
    """The vulnerability service behind a proxy at 127.0.0.1:1 that refuses every connection."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Flask==3.1.3\n")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "https_proxy", "http_proxy")}
    env.update(HTTPS_PROXY="http://127.0.0.1:1", HTTP_PROXY="http://127.0.0.1:1", NO_PROXY="")
    proc = subprocess.run([sys.executable, str(SCRIPT), "-r", str(requirements), "--no-deps", "--disable-pip",
                           "--cache-dir", str(tmp_path / "cache"), "--timeout", "5"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 2, said
    assert "NOT CHECKED" in said and "No known vulnerabilities" not in said and "no known" not in said.lower()
