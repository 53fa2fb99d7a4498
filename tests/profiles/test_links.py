"""profiles.links: the researchmap ID rule and the researchmap, J-PlatPat and J-GLOBAL
addresses (the one home of both), its template filters, and the CSV round trip of the
researcher fields that carry IDs."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from profiles import links
from profiles.services.imports.csv_columns import _parse_researchers, format_researchers
from profiles.services.imports.values import FieldError


@pytest.mark.parametrize(
    "value, permalink, ok",
    [
        ("tanaka-kenji", "tanaka-kenji", True),
        ("read0123456", "read0123456", True),
        ("j.smith", "j.smith", True),
        ("https://researchmap.jp/suzuki_hanako/", "suzuki_hanako", True),
        ("researchmap.jp/abc/published_papers", "abc", True),
        ("  7000012345 ", "7000012345", True),
        ("ab", "ab", False),  # too short
        ("a" * 21, "a" * 21, False),
        ("..", "..", False),  # never a path
        ("...", "...", False),
        ("山田太郎", "山田太郎", False),
        ("a/b", "a/b", False),
        ("a b", "a b", False),
    ],
)
def test_the_researchmap_id_rule(value, permalink, ok):
    assert links.normalize_researchmap_id(value) == permalink
    assert links.is_researchmap_id(permalink) is ok
    assert links.researchmap_url(value) == (f"https://researchmap.jp/{permalink}" if ok else "")


@pytest.mark.parametrize(
    "number, url",
    [
        ("特願2019-123456", "JP-2019-123456/10/ja"),
        ("２０１９－１２３４５６", "JP-2019-123456/10/ja"),
        ("特願2019123456", "JP-2019-123456/10/ja"),
        ("2023-45678", "JP-2023-045678/10/ja"),
        ("特願平10-123456", ""),  # era years are shown without a link
        ("PCT/JP2020/012345", ""),
        ("US16/123,456", ""),
        ("特開2020-012345", ""),  # a publication number is not an application number
    ],
)
def test_jplatpat_addresses_of_application_numbers(number, url):
    expected = f"https://www.j-platpat.inpit.go.jp/c1800/PU/{url}" if url else ""
    assert links.jplatpat_application_url(number) == expected


@pytest.mark.parametrize(
    "number, ok",
    [
        ("特許第6543210号", True),
        ("6543210", True),
        ("JP6543210B2", True),
        ("第６５４３２１０号", True),
        ("123", False),
        ("特願2019-123456", False),
    ],
)
def test_jplatpat_addresses_of_patent_numbers(number, ok):
    url = links.jplatpat_registration_url(number)
    assert url == ("https://www.j-platpat.inpit.go.jp/c1800/PU/JP-6543210/15/ja" if ok else "")


def test_jplatpat_publication_and_jglobal_addresses():
    assert links.jplatpat_publication_url("特開2020-012345").endswith("/JP-2020-012345/11/ja")
    assert links.jplatpat_publication_url("特願2020-012345") == ""
    assert links.jglobal_url("200901012345678901") == (
        "https://jglobal.jst.go.jp/detail?JGLOBAL_ID=200901012345678901"
    )
    assert links.jglobal_url("abc") == "" and links.jglobal_url("") == ""
    assert links.researchmap_achievement_url("abc", "research_projects", "123") == (
        "https://researchmap.jp/abc/research_projects/123"
    )
    assert links.researchmap_achievement_url("abc", "../x", "1") == ""


def test_the_template_filters_build_the_same_addresses():
    html = Template(
        "{% load profiles_links %}{{ r|researchmap_url }} {{ a|jplatpat_application_url }} "
        "{{ p|jplatpat_registration_url }} {{ j|jglobal_url }} {{ bad|researchmap_url }}|"
        "{% researchmap_achievement_url r 'industrial_property_rights' '9' %}"
    ).render(
        Context({"r": "abc", "a": "特願2019-123456", "p": "6543210", "j": "123456789", "bad": ".."})
    )
    assert html == (
        "https://researchmap.jp/abc https://www.j-platpat.inpit.go.jp/c1800/PU/JP-2019-123456/10/ja "
        "https://www.j-platpat.inpit.go.jp/c1800/PU/JP-6543210/15/ja "
        "https://jglobal.jst.go.jp/detail?JGLOBAL_ID=123456789 |"
        "https://researchmap.jp/abc/industrial_property_rights/9"
    )


def test_the_csv_researcher_cell_keeps_english_names_and_jglobal_ids():
    class R:
        name, department, researchmap_id = "田中 健二", "工学部", "tanaka-kenji"
        cross_appointment_available = True
        name_en, jglobal_id = "Kenji Tanaka", "200901012345678901"

    class Old(R):
        name_en, jglobal_id = "", ""

    assert format_researchers([Old()]) == "田中 健二|工学部|tanaka-kenji|yes"
    cell = format_researchers([R()])
    [parsed] = _parse_researchers(cell)
    assert parsed["name_en"] == "Kenji Tanaka" and parsed["jglobal_id"] == "200901012345678901"
    with pytest.raises(FieldError, match="researchmap ID"):
        _parse_researchers("田中|工学部|not a permalink|no")
