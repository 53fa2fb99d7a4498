"""List the Japanese msgids the code and templates use that no English catalogue translates.

    .venv/bin/python scripts/missing_translations.py            # every msgid missing
    .venv/bin/python scripts/missing_translations.py --tsv      # as `msgid<TAB>` lines to fill in

Templates go through Django's own `templatize` (what `makemessages` uses); Python files through
the syntax tree (calls of `_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`). Pair it with
`scripts/po_add.py` to add the English, then `make messages`.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "staticfiles", "test-artifacts", "migrations", ".git", "tests"}
FUNCS = {
    "_",
    "N_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")


def catalogue_ids() -> set[str]:
    ids: set[str] = set()
    for po in ROOT.glob("locale/*/en/LC_MESSAGES/django.po"):
        text = po.read_text(encoding="utf-8")
        for block in re.findall(r'^msgid ((?:".*"\n?)+)', text, flags=re.M):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
            ids.add(
                bytes("".join(parts), "utf-8")
                .decode("unicode_escape")
                .encode("latin-1")
                .decode("utf-8")
            )
    return ids


def python_ids(path: Path) -> set[str]:
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arg = (
                node.args[1]
                if name in ("pgettext", "pgettext_lazy") and len(node.args) > 1
                else node.args[0]
            )
            if name in FUNCS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.add(arg.value)
    return out


def template_ids(path: Path) -> set[str]:
    from django.utils.translation.template import templatize

    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    out: set[str] = set()
    for m in re.finditer(
        r"\b(?:gettext|pgettext|ngettext)\((?:u?'[^']*',\s*)?u?'((?:[^'\\]|\\.)*)'", code
    ):
        out.add(m.group(1).replace("\\'", "'").replace("\\\\", "\\"))
    return out


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    have = catalogue_ids()
    missing: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP]
        for name in filenames:
            path = Path(dirpath) / name
            if name.endswith(".py"):
                ids = python_ids(path)
            elif name.endswith((".html", ".txt")) and "templates" in path.parts:
                ids = template_ids(path)
            else:
                continue
            for msgid in ids:
                if JAPANESE.search(msgid) and msgid not in have:
                    missing.setdefault(msgid, str(path.relative_to(ROOT)))
    for msgid, where in sorted(missing.items(), key=lambda kv: kv[1]):
        print(f"{msgid}\t" if "--tsv" in sys.argv else f"{where}: {msgid}")
    if "--tsv" not in sys.argv:
        print(f"{len(missing)} missing", file=sys.stderr)


if __name__ == "__main__":
    main()
