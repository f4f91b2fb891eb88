"""The Spanish catalog is complete, current and compiled.

``makemessages`` runs on a copy of the project's code, so a string newly marked
for translation without a Spanish translation fails here; so does a fuzzy or
empty entry, an entry no code uses any more, a broken placeholder, or a
committed ``.mo`` that is not the compiled ``.po``.

After marking strings, update the catalog with the same options (decision 0050):

    python manage.py makemessages -l es --no-location --no-obsolete \\
        --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench
    (translate the new entries in locale/es/LC_MESSAGES/django.po)
    python manage.py compilemessages -l es --ignore=.venv

Needs GNU gettext (``xgettext``, ``msgmerge``, ``msgfmt``); ``scripts/test.sh``
installs it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Everything makemessages reads: the code and templates that hold strings.
SOURCES = ("accounts", "connect", "templates", "locale", "manage.py")
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--no-location",
    "--no-obsolete",
    *(f"--ignore={name}" for name in (".venv", "var", "node_modules", "tests", "bench")),
]


def key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def translation_of(entry):
    if entry.msgid_plural:
        return tuple(sorted((int(n), text) for n, text in entry.msgstr_plural.items()))
    return entry.msgstr


def describe(entries) -> str:
    return "\n".join(f"  {e.msgctxt + ' | ' if e.msgctxt else ''}{e.msgid!r}" for e in entries)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> polib.POFile:
    """The catalog as makemessages makes it from the code now, merged with ours."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("GNU gettext is missing: apt-get install gettext (scripts/test.sh does)")
    copy = tmp_path_factory.mktemp("catalog") / "project"
    copy.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=skip)
        else:
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "connect.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return polib.pofile(str(copy / PO.relative_to(ROOT)))


def test_every_marked_string_has_a_spanish_translation(regenerated):
    missing = [e for e in regenerated if not e.obsolete and not e.translated()]
    assert not missing, (
        "Strings without a Spanish translation (or fuzzy): translate them in "
        f"{PO.relative_to(ROOT)}, then compilemessages:\n{describe(missing)}"
    )


def test_the_committed_catalog_is_what_makemessages_makes(regenerated):
    committed = polib.pofile(str(PO))
    now = {key(e) for e in regenerated if not e.obsolete}
    stored = {key(e) for e in committed}
    assert not committed.obsolete_entries(), "obsolete entries: run makemessages --no-obsolete"
    assert stored == now, (
        "The catalog is not current; run makemessages (see this module's doc).\n"
        f"New:\n{describe(e for e in regenerated if key(e) in now - stored)}\n"
        f"Gone:\n{describe(e for e in committed if key(e) in stored - now)}"
    )


def test_no_entry_is_fuzzy_or_empty():
    catalog = polib.pofile(str(PO))
    assert not catalog.fuzzy_entries(), describe(catalog.fuzzy_entries())
    assert not catalog.untranslated_entries(), describe(catalog.untranslated_entries())
    assert catalog.metadata["Language"] == "es" and not catalog.metadata_is_fuzzy


def test_placeholders_and_format_are_valid():
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext is missing: apt-get install gettext (scripts/test.sh does)")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_committed_mo_is_the_compiled_po():
    """A machine with only Python (scripts/dev.py) reads the committed .mo."""
    po = {key(e): translation_of(e) for e in polib.pofile(str(PO)) if e.msgid}
    mo = {key(e): translation_of(e) for e in polib.mofile(str(MO)) if e.msgid}
    assert mo == po, "locale/es/LC_MESSAGES/django.mo is stale: run compilemessages -l es"
