"""Text helpers of the matcher: the language of a text and the terms two public texts share."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
# Candidate terms: runs of katakana, runs of kanji (optionally with a trailing katakana/
# hiragana-free suffix), Latin words/acronyms (with digits and hyphens: "FO-PLP", "SiC").
_TERM = re.compile(
    r"[\u30a0-\u30ffー]{2,}|[\u3400-\u9fff々]{2,}|[A-Za-z][A-Za-z0-9\-+/]{1,}[A-Za-z0-9]"
)
_STOP = {
    "the",
    "and",
    "for",
    "with",
    "from",
    "that",
    "this",
    "are",
    "our",
    "its",
    "into",
    "using",
    "based",
    "which",
    "can",
    "has",
    "have",
    "was",
    "were",
    "been",
    "their",
    "such",
    "also",
    "not",
    "but",
    "more",
    "than",
    "new",
    "use",
    "used",
    "high",
    "low",
    "well",
    "per",
    "研究",
    "開発",
    "技術",
    "当社",
    "本研究",
    "希望",
    "課題",
    "実現",
    "可能",
    "共同研究",
}


def detect_language(text: str) -> str:
    """'ja' when a tenth or more of the characters are Japanese script, else 'en'.

    The declared `language` field of a row is a default people rarely change, and texts mix
    both languages; the script share is what the embedding model actually sees.
    """
    if not text:
        return "ja"
    return "ja" if len(_CJK.findall(text)) / len(text) >= 0.1 else "en"


def terms(text: str, keywords: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Distinct candidate terms of a public text (keywords first), in order of appearance."""
    seen: dict[str, str] = {}
    for raw in [*keywords, *_TERM.findall(text or "")]:
        term = str(raw).strip()
        key = term.lower()
        if len(term) < 2 or key in _STOP or key in seen:
            continue
        seen[key] = term
    return list(seen.values())


def shared_terms(
    text_a: str,
    text_b: str,
    keywords_a: list[str] | tuple[str, ...] = (),
    keywords_b: list[str] | tuple[str, ...] = (),
    limit: int = 8,
) -> list[str]:
    """Terms of one public text that also occur in the other, longest first.

    Both inputs must be public texts: the result is shown to the other party.
    """
    lower_a = (text_a + " " + " ".join(keywords_a)).lower()
    lower_b = (text_b + " " + " ".join(keywords_b)).lower()
    found: dict[str, str] = {}
    for term in terms(text_a, keywords_a) + terms(text_b, keywords_b):
        key = term.lower()
        if key in found or key not in lower_a or key not in lower_b:
            continue
        found[key] = term
    ranked = sorted(found.values(), key=lambda t: (-len(t), t))
    # Drop a term contained in a longer shared term ("電池" inside "リチウムイオン電池").
    out: list[str] = []
    for term in ranked:
        if not any(term.lower() in longer.lower() for longer in out):
            out.append(term)
    return out[:limit]
