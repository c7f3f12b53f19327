"""Run the fuzz set (``pytest -m fuzz``: schemathesis against /api/hsds/openapi.json and hypothesis against
every public form and query interface) and print the number of generated requests per target.

    .venv/bin/python benchmarks/fuzz_report.py

Exit status: pytest's (0 when no request met a server error and every target made its share)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["otwarta/core/tests/test_fuzz_openapi.py", "otwarta/core/tests/test_fuzz_public.py",
         "otwarta/core/tests/test_fuzz_total.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        counts_file = Path(tmp) / "fuzz-counts.json"
        env = {**os.environ, "FUZZ_COUNTS_FILE": str(counts_file)}
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own interpreter and test paths
            [sys.executable, "-m", "pytest", "-m", "fuzz", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT, env=env, check=False,
        )
        elapsed = time.monotonic() - started
        counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    width = max((len(name) for name in counts), default=10)
    print(f"\n{'target':<{width}}  requests")
    for name, count in sorted(counts.items()):
        print(f"{name:<{width}}  {count:>8}")
    print(f"{'total':<{width}}  {sum(counts.values()):>8}   ({elapsed:.0f} s, pytest exit status {result.returncode})")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
