"""One production run, written once: the Procfile's commands are the README's
and the systemd units' (docs/deploy/)."""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}


def test_the_procfile_runs_web_worker_and_beat_apart():
    commands = procfile()
    assert set(commands) == {"web", "worker", "beat"}
    assert commands["web"].startswith("gunicorn connect.asgi:application")
    assert " worker " in commands["worker"] and " -B" not in commands["worker"]
    assert " beat " in commands["beat"]


def test_the_readme_shows_the_procfile_commands():
    readme = (ROOT / "README.md").read_text()
    for command in procfile().values():
        assert command in readme


def test_the_systemd_units_run_the_procfile_commands():
    for name, command in procfile().items():
        unit = (ROOT / "docs" / "deploy" / f"connect-{name}.service").read_text()
        exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
        program, *args = shlex.split(exec_start)
        assert program == f"/srv/connect/.venv/bin/{shlex.split(command)[0]}"
        assert args == shlex.split(command)[1:]
