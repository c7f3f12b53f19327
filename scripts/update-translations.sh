#!/usr/bin/env bash
# Re-extract the interface strings of the project's own code into otwarta/locale/<lang>/LC_MESSAGES/django.po
# for every configured language (settings.LANGUAGES, from OTWARTA_LANGUAGES), then compile the catalogues.
#
# Developer tool only: extraction needs GNU gettext (xgettext, msgmerge): `apt-get install -y gettext`.
# `make run` and `make test` never call this script; they compile with `manage.py compile_translations`.
# See docs/translations-interface.md. After running, translate the new empty / fuzzy entries, then check:
#   .venv/bin/python -m pytest otwarta/core/tests/test_translations.py -q
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"

for tool in xgettext msgmerge msguniq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "update-translations: '$tool' not found; install GNU gettext (apt-get install -y gettext)." >&2
        exit 1
    fi
done

# The configured interface languages, in settings order (pl, en, uk, ru, be, ka by default).
mapfile -t LANGS < <("$PY" -c '
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otwarta.settings")
django.setup()
from django.conf import settings
print("\n".join(code for code, _name in settings.LANGUAGES))
')
LOCALE_ARGS=()
for lang in "${LANGS[@]}"; do
    mkdir -p "otwarta/locale/$lang/LC_MESSAGES"
    LOCALE_ARGS+=(--locale "$lang")
done
echo "update-translations: languages ${LANGS[*]}"

# The project's own code only: third-party packages, build output, benchmarks and tests are skipped
# (the `tests/*` pattern matches every directory called `tests`, the apps' test packages included).
# `--ignore=locale` stops makemessages from discovering app-level `locale/` directories: every string
# of every app goes to the one project catalogue in LOCALE_PATHS (otwarta/locale), which Django reads
# before any app catalogue, and no app catalogue is created or rewritten by this script.
COMMON_ARGS=(
    "${LOCALE_ARGS[@]}"
    --ignore='.venv/*' --ignore='var/*' --ignore='.cache/*' --ignore='node_modules/*'
    --ignore='benchmarks/*' --ignore='tests/*' --ignore='media/*' --ignore='staticfiles/*'
    --ignore='locale'
    --no-obsolete --add-location file
)
"$PY" manage.py makemessages --domain django --extension html,txt,py "${COMMON_ARGS[@]}" --verbosity 0

# JavaScript catalogues only when some script of ours calls gettext() (none does today: the scripts read
# server-rendered, already translated text from data- attributes).
if grep -rlE '\b(n|p|np)?gettext\(|interpolate\(' --include='*.js' otwarta \
        --exclude-dir=node_modules --exclude-dir=vendor >/dev/null 2>&1; then
    "$PY" manage.py makemessages --domain djangojs --extension js "${COMMON_ARGS[@]}" --verbosity 0
fi

# Normalise each catalogue's header (language, plural rules); the file is rewritten only when it changes.
"$PY" - "${LANGS[@]}" <<'PYEOF'
import sys
from pathlib import Path

import polib

PLURALS = {
    # nplurals=3: one / few (2-4, 22-24, ...) / many
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ka": "nplurals=2; plural=(n!=1);",
    "en": "nplurals=2; plural=(n!=1);",
}
DEFAULT_PLURAL = "nplurals=2; plural=(n!=1);"

for lang in sys.argv[1:]:
    for po_path in sorted(Path("otwarta/locale", lang, "LC_MESSAGES").glob("*.po")):
        po = polib.pofile(str(po_path), wrapwidth=79)
        wanted = {
            "Project-Id-Version": "Małopolska otwarta",
            "Report-Msgid-Bugs-To": "",
            "Last-Translator": "Małopolska otwarta <noreply@localhost>",
            "Language-Team": lang,
            "Language": lang,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURALS.get(lang, DEFAULT_PLURAL),
        }
        changed = False
        for key, value in wanted.items():
            if po.metadata.get(key) != value:
                po.metadata[key] = value
                changed = True
        if po.metadata_is_fuzzy:
            po.metadata_is_fuzzy = False
            changed = True
        if po.header.startswith("SOME DESCRIPTIVE TITLE"):
            po.header = "Interface strings of Małopolska otwarta. See docs/translations-interface.md."
            changed = True
        # Plural entries must carry exactly nplurals msgstr[] slots (a new catalogue may have copied
        # Django's own four-form Polish/East Slavic rule).
        nplurals = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
        for entry in po:
            if entry.msgid_plural:
                slots = {int(k): v for k, v in entry.msgstr_plural.items()}
                if sorted(slots) != list(range(nplurals)):
                    entry.msgstr_plural = {i: slots.get(i, "") for i in range(nplurals)}
                    changed = True
        if changed:
            po.save()
            print(f"update-translations: normalised the header of {po_path}")
PYEOF

"$PY" manage.py compile_translations

# Report what still needs a translator (English may stay empty: its msgids are the English text).
"$PY" - "${LANGS[@]}" <<'PYEOF'
import sys
from pathlib import Path

import polib

missing_total = 0
for lang in sys.argv[1:]:
    for po_path in sorted(Path("otwarta/locale", lang, "LC_MESSAGES").glob("*.po")):
        po = polib.pofile(str(po_path))
        entries = [e for e in po if not e.obsolete]
        todo = [e for e in entries if "fuzzy" in e.flags or (lang != "en" and not e.translated())]
        missing_total += len(todo)
        print(f"update-translations: {po_path}: {len(entries)} entries, {len(todo)} to translate")
if missing_total:
    print(f"update-translations: {missing_total} entries need a translation (empty or fuzzy).")
PYEOF
