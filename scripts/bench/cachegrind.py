"""Counting a command's instructions under valgrind, for the scripts/count_*_instructions.py."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(command: list[str], env: dict[str, str], cwd: Path) -> int:
    """Every instruction `command` ran, counted by cachegrind without cache simulation (the
    same count whatever else the machine runs). Raises SystemExit with valgrind's last output
    when the command fails or valgrind prints no total."""
    if shutil.which("valgrind") is None:  # Debian's, installed on first use as wrk is
        subprocess.run("apt-get update -qq && apt-get install -y -qq valgrind", shell=True, check=True)
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    done = subprocess.run(valgrind + command, env=env, cwd=cwd, capture_output=True, text=True)
    total = _TOTAL.search(done.stderr)
    if total is None or done.returncode:
        raise SystemExit(f"valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(total[1].replace(",", ""))
