"""Add English translations to one catalogue, skipping msgids it already has.

    python scripts/po_add.py locale/web/en/LC_MESSAGES/django.po < pairs.tsv

Each input line is `Japanese msgid<TAB>English msgstr`. Used while writing pages; `make messages`
compiles the catalogues afterwards.
"""

from __future__ import annotations

import re
import sys


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main() -> None:
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        po = f.read()
    have = set(re.findall(r'^msgid "(.*)"$', po, flags=re.M))
    added = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        msgid, msgstr = line.split("\t", 1)
        if escape(msgid) in have:
            continue
        have.add(escape(msgid))
        added.append(f'\nmsgid "{escape(msgid)}"\nmsgstr "{escape(msgstr)}"\n')
    with open(path, "a", encoding="utf-8") as f:
        f.writelines(added)
    print(f"{path}: {len(added)} added")


if __name__ == "__main__":
    main()
