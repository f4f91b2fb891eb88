"""The package is pure Python: no Django, deterministic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from connect.matching import MatchParams, form_circles
from connect.matching.synthetic import generate, generate_open_circles

ROOT = Path(__file__).resolve().parents[2]


def test_imports_without_django():
    code = (
        "import os, sys\n"
        "os.environ.pop('DJANGO_SETTINGS_MODULE', None)\n"
        "sys.modules['django'] = None  # any django import would now fail\n"
        "import connect.matching as m\n"
        "from connect.matching import Seeker, OpenCircle, MatchParams, form_circles\n"
        "import connect.matching.synthetic\n"
        "assert [k for k in sys.modules if k.startswith('django.')] == []\n"
        "print('ok')\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_no_django_in_source():
    for path in (ROOT / "connect" / "matching").rglob("*.py"):
        text = path.read_text()
        assert "import django" not in text and "from django" not in text, path


def _fingerprint(result):
    return (
        [
            (c.member_ids, c.start_slot, c.mode, c.lat, c.lon, c.language, round(c.score, 9))
            for c in result.circles
        ],
        [(t.circle_id, t.member_ids) for t in result.top_ups],
        sorted(result.unplaced.items()),
    )


def test_same_seed_same_result():
    seekers = generate(1500, seed=3)
    circles = generate_open_circles(seekers, 6, seed=3)
    a = form_circles(seekers, MatchParams(seed=11), circles)
    b = form_circles(list(seekers), MatchParams(seed=11), list(circles))
    assert _fingerprint(a) == _fingerprint(b)


def test_synthetic_workload_is_valid_and_mostly_placed():
    from .checker import check_result

    seekers = generate(3000, seed=5)
    circles = generate_open_circles(seekers, 10, seed=5)
    params = MatchParams()
    result = form_circles(seekers, params, circles)
    assert check_result(result, seekers, params, circles) == []
    assert result.stats["placed_of_placeable"] >= 0.9
    assert 0 < result.stats["quality"] <= result.stats["bound"]
    assert all(c.why for c in result.circles)
