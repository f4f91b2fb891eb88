"""The README keeps its promises: two Quick start commands and every setting documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
ENV_READ = re.compile(r"(?:env|_env|Env\(\))\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"")


def env_names() -> set[str]:
    names = set()
    for path in ["connect/settings.py", "connect/schedule.py"]:
        names |= set(ENV_READ.findall((ROOT / path).read_text()))
    return names


def test_every_environment_variable_is_in_the_configuration_table():
    names = env_names()
    assert {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "CONNECT_PRODUCTION"} <= names
    missing = sorted(name for name in names if f"| `{name}` |" not in README)
    assert not missing, f"README's configuration table lacks {missing}"


def test_quick_start_is_one_block_of_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    commands = [line.split("#", 1)[0].strip() for line in blocks[0].splitlines()]
    assert [c for c in commands if c] == ["python3 scripts/dev.py", "bash scripts/test.sh"]


def test_ci_runs_the_test_command():
    assert "bash scripts/test.sh" in (ROOT / ".ci/run").read_text()
