"""Hostile input at scale: every form and every socket action, thousands of inputs each.

    python bench/fuzz.py [--examples 5000]

Runs tests/test_fuzz_forms.py and (when present) tests/chat/test_fuzz_socket.py
with CONNECT_FUZZ_EXAMPLES set, on the SQLite settings, and prints the figures.
The last line is JSON: {"form_inputs": ..., "socket_frames": ..., "failures": ...}.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORM_TESTS = "tests/test_fuzz_forms.py"
SOCKET_TESTS = "tests/chat/test_fuzz_socket.py"


def run(paths: list[str], examples: int) -> tuple[str, int]:
    env = {**os.environ, "CONNECT_FUZZ_EXAMPLES": str(examples)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not postgres and not redis and not browser",
        *paths,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return done.stdout + done.stderr, done.returncode


def figure(pattern: str, text: str) -> int:
    return sum(int(n) for n in re.findall(pattern, text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="inputs per form / action")
    args = parser.parse_args()

    paths = [FORM_TESTS]
    if (ROOT / SOCKET_TESTS).exists():
        paths.append(SOCKET_TESTS)
    else:
        print(f"({SOCKET_TESTS} not found: forms only)")
    started = time.monotonic()
    output, code = run(paths, args.examples)
    seconds = time.monotonic() - started

    form_inputs = figure(r"form fuzz: (\d+) inputs", output)
    socket_frames = figure(r"socket fuzz: (\d+) (?:frames|inputs)", output)
    failures = figure(r"(\d+) failed", output) + figure(r"(\d+) errors?\b", output)
    if code != 0 and failures == 0:
        failures = 1  # pytest itself failed (collection, usage): show its output
    if failures:
        print(output[-8000:])
    print(f"examples per form / action: {args.examples}")
    print(f"form inputs:   {form_inputs}")
    print(f"socket frames: {socket_frames}")
    print(f"failures:      {failures}")
    print(f"time:          {seconds:.0f} s")
    print(
        json.dumps(
            {"form_inputs": form_inputs, "socket_frames": socket_frames, "failures": failures}
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
