"""``make audit``: the known vulnerabilities of the pinned requirements, checked for real.

Runs pip-audit (pinned in requirements-test.txt) on ``requirements.txt`` with ``--strict`` and a
JSON report, then reads the report itself. The answer is one of:

- exit 0, "N packages checked … no known vulnerabilities": every pinned package (and, unless
  ``--no-deps``, every package they pull in) was looked up in the vulnerability database;
- exit 1: the vulnerabilities found, one line each with the versions that fix them;
- exit 2, "NOT CHECKED": the database could not be reached (no network, a proxy, the service
  down), or a package could not be looked up — never a clean bill that was not earned.

Usage: ``python scripts/audit.py [-r requirements.txt] [pip-audit options, e.g. -s osv, --no-deps]``.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: Path) -> dict[str, str]:
    """``name == version`` lines of a requirements file (``-r`` includes followed)."""
    pins: dict[str, str] = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            pins.update(pinned(requirements.parent / line.split(None, 1)[1]))
            continue
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(3)
    return pins


def judge(report: dict | None, pins: dict[str, str], problem: str = "") -> tuple[int, str]:
    """The exit code and what to say, from pip-audit's JSON report (None: it wrote none)."""
    if report is None:
        return 2, ("audit: NOT CHECKED — pip-audit could not reach its vulnerability database or could not "
                   f"read the requirements: {problem or 'no report'}")
    deps = report.get("dependencies") or []
    skipped = [f"{d.get('name')}: {d['skip_reason']}" for d in deps if d.get("skip_reason")]
    audited = {canonical(d["name"]) for d in deps if not d.get("skip_reason") and d.get("name")}
    missing = sorted(set(pins) - audited)
    if skipped or missing or not audited:
        reasons = skipped + [f"{name}: not in the report" for name in missing]
        return 2, "audit: NOT CHECKED — some packages could not be looked up:\n  " + "\n  ".join(
            reasons or ["the report lists no package"])
    found = [(d, v) for d in deps for v in d.get("vulns") or []]
    if found:
        lines = [f"  {d['name']} {d.get('version')}: {v.get('id')} (fixed in {', '.join(v.get('fix_versions') or []) or 'no release yet'})"
                 for d, v in found]
        return 1, f"audit: {len(found)} known vulnerabilities in {len({d['name'] for d, _ in found})} packages:\n" \
            + "\n".join(lines)
    return 0, f"audit: {len(audited)} packages checked: no known vulnerabilities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--requirement", default="requirements.txt", type=Path)
    args, extra = parser.parse_known_args(argv)
    pins = pinned(args.requirement)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(args.requirement), "--strict",
                   "--progress-spinner", "off", "--format", "json", "--output", str(out), *extra]
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        report = None
        if out.exists() and out.stat().st_size:
            try:
                report = json.loads(out.read_text(encoding="utf-8"))
            except ValueError:
                report = None
    lines = [line for line in (proc.stderr or "").splitlines() if line.strip()]
    problem = next((line for line in reversed(lines) if "Error" in line or "ERROR" in line), lines[-1] if lines else "")
    code, message = judge(report, pins, problem.strip())
    if code == 0 and proc.returncode != 0:
        code, message = 2, f"audit: NOT CHECKED — pip-audit failed (exit {proc.returncode}): {problem}"
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
