"""Run every benchmark script in bench/ and print their numbers (``make bench``).

Each script is run in its own process so that peak-memory figures are per benchmark.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: helper modules imported by the benchmarks, not benchmarks themselves
HELPERS = {"run_all.py", "__init__.py", "holdout_footprints.py", "holdout_traces.py",
           "calibration_footprint_report.py"}
SCRIPTS = [p for p in sorted(HERE.glob("*.py")) if p.name not in HELPERS]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {script.name}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
