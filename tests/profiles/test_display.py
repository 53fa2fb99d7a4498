"""How the platform writes values for a reader (profiles/display.py): one amount formatter for
both languages, organisation names, prefectures, and the bilingual platform data."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from profiles.display import (
    format_yen,
    format_yen_range,
    localized_field,
    org_display_name,
    prefecture_label,
    round_significant,
)


@pytest.mark.parametrize(
    "amount, japanese, english",
    [
        (115_088_000_000, "1,151億円", "¥115.1 billion"),  # the KPI baseline (FY2014)
        (50_000_000, "5,000万円", "¥50 million"),
        (1_000_000_000, "10億円", "¥1 billion"),
        (5_600_000_000, "56億円", "¥5.6 billion"),
        (20_000_000_000, "200億円", "¥20 billion"),
        (1_234_567, "123万5,000円", "¥1.235 million"),
        (10**13, "10兆円", "¥10 trillion"),
        (999_999, "999,999円", "¥999,999"),
        (0, "0円", "¥0"),
    ],
)
def test_one_function_writes_amounts_for_both_languages(amount, japanese, english):
    assert format_yen(amount, language="ja") == japanese
    assert format_yen(amount, language="en") == english
    with translation.override("en"):
        assert format_yen(amount) == english  # the active language by default


def test_both_languages_state_the_same_rounded_figure():
    for amount in (1_150_880_000, 3_456_789_012, 12_345_678, 1_000_001):
        rounded = round_significant(amount)
        assert format_yen(rounded, language="ja") == format_yen(amount, language="ja")
        assert format_yen(rounded, language="en") == format_yen(amount, language="en")


def test_exact_amounts_write_every_yen_and_missing_ones_a_dash():
    assert format_yen(2_860_000, language="ja", exact=True) == "2,860,000円"
    assert format_yen(2_860_000, language="en", exact=True) == "¥2,860,000"
    assert format_yen(None) == "—" and format_yen("") == "—"
    assert format_yen(-1_500, language="en") == "-¥1,500"


def test_a_budget_range_reads_naturally_in_both_languages():
    assert format_yen_range(5_000_000, 10_000_000, language="ja") == "500万円〜1,000万円"
    assert format_yen_range(5_000_000, 10_000_000, language="en") == "¥5 million – ¥10 million"
    assert format_yen_range(None, 10_000_000, language="en") == "up to ¥10 million"
    assert format_yen_range(0, 10_000_000, language="ja") == "1,000万円まで"
    assert format_yen_range(2_000_000, None, language="en") == "from ¥2 million"
    assert format_yen_range(None, None) == "—"


class _Org:
    def __init__(self, name, name_en=""):
        self.name, self.name_en = name, name_en


def test_an_organisation_is_named_in_english_where_it_has_an_english_name():
    tohoku = _Org("東北大学", "Tohoku University")
    assert org_display_name(tohoku, language="en") == "Tohoku University"
    assert org_display_name(tohoku, language="ja") == "東北大学"
    assert org_display_name(_Org("あさひ精機株式会社"), language="en") == "あさひ精機株式会社"
    assert org_display_name({"name": "東北大学", "name_en": "Tohoku"}, language="en") == "Tohoku"
    template = Template("{% load localized %}{{ org|org_name }} {{ p|prefecture_name }}")
    with translation.override("en"):
        assert (
            template.render(Context({"org": tohoku, "p": "宮城県"})) == "Tohoku University Miyagi"
        )
    with translation.override("ja"):
        assert template.render(Context({"org": tohoku, "p": "宮城県"})) == "東北大学 宮城県"


def test_every_prefecture_has_an_english_label():
    from profiles.choices import PREFECTURE_REGION

    with translation.override("en"):
        labels = {p: prefecture_label(p) for p in PREFECTURE_REGION}
    assert labels["東京都"] == "Tokyo" and labels["北海道"] == "Hokkaido"
    assert all(label.isascii() for label in labels.values()), labels
    assert len(set(labels.values())) == 47
    assert prefecture_label("") == "" and prefecture_label("架空県") == "架空県"


def test_bilingual_platform_data_follows_the_reader():
    class Row:
        note, note_en, fields, fields_en = "注記", "A note", ["免疫学"], []

    assert localized_field(Row, "note", language="en") == "A note"
    assert localized_field(Row, "note", language="ja") == "注記"
    assert localized_field(Row, "fields", language="en") == ["免疫学"]  # no English: as is
