"""Plain factory functions for tests: each makes one valid row, overridable by keyword."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from profiles.choices import MemberRole, OrgKind, PublicationStatus, region_for_prefecture
from profiles.models import InvestorProfile, Membership, Need, Organization, Seed, Venture

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_org(*, kind: str = OrgKind.UNIVERSITY, **kw) -> Organization:
    n = _n()
    kw.setdefault("key", f"org-{n}")
    kw.setdefault("name", f"テスト組織{n}")
    kw.setdefault("name_en", f"Test Organisation {n}")
    kw.setdefault("prefecture", "東京都")
    kw.setdefault("region", region_for_prefecture(kw["prefecture"]))
    return Organization.objects.create(kind=kind, **kw)


def make_user(*, org: Organization | None = None, role: str = MemberRole.MANAGER, **kw):
    n = _n()
    kw.setdefault("username", f"user{n}")
    kw.setdefault("email", f"user{n}@example.jp")
    password = kw.pop("password", "pass-Sangaku-2026")
    user = get_user_model().objects.create_user(password=password, **kw)
    if org is not None:
        Membership.objects.create(user=user, organization=org, role=role)
    return user


def make_admin(**kw):
    kw.setdefault("is_staff", True)
    kw.setdefault("is_superuser", True)
    return make_user(org=None, **kw)


def make_seed(*, org: Organization | None = None, **kw) -> Seed:
    n = _n()
    org = org or make_org(kind=OrgKind.UNIVERSITY)
    kw.setdefault("key", f"seed-{n}")
    kw.setdefault("title", f"研究シーズ{n}")
    kw.setdefault("summary", "全固体電池の固体電解質に関する研究。")
    kw.setdefault("keywords", ["電池", "材料"])
    kw.setdefault("trl", 4)
    kw.setdefault("collaboration_modes", ["joint_research"])
    kw.setdefault("status", PublicationStatus.PUBLISHED)
    return Seed.objects.create(organization=org, **kw)


def make_need(*, org: Organization | None = None, **kw) -> Need:
    n = _n()
    org = org or make_org(kind=OrgKind.COMPANY)
    kw.setdefault("key", f"need-{n}")
    kw.setdefault("title", f"企業ニーズ{n}")
    kw.setdefault("description", "車載用電池の安全性を高める材料を探している。")
    kw.setdefault("keywords", ["電池"])
    kw.setdefault("collaboration_modes", ["joint_research"])
    kw.setdefault("status", PublicationStatus.PUBLISHED)
    return Need.objects.create(organization=org, **kw)


def make_investor(*, org: Organization | None = None, **kw) -> InvestorProfile:
    org = org or make_org(kind=OrgKind.INVESTOR)
    kw.setdefault("thesis", "大学発のディープテックにシード期から投資する。")
    kw.setdefault("fields", ["素材"])
    kw.setdefault("stages", ["seed"])
    return InvestorProfile.objects.create(organization=org, **kw)


def make_venture(*, org: Organization | None = None, **kw) -> Venture:
    n = _n()
    org = org or make_org(kind=OrgKind.UNIVERSITY)
    kw.setdefault("key", f"venture-{n}")
    kw.setdefault("name", f"テストベンチャー{n}株式会社")
    kw.setdefault("summary", "大学の電池材料技術を事業化する。")
    return Venture.objects.create(organization=org, **kw)


def make_readiness(*, org: Organization | None = None, **kw):
    """A readiness profile; rates and flags overridable by keyword."""
    import datetime

    from profiles.models import ReadinessProfile

    org = org or make_org(kind=OrgKind.UNIVERSITY)
    kw.setdefault("as_of", datetime.date(2026, 4, 1))
    return ReadinessProfile.objects.create(organization=org, **kw)


def make_track_record(*, org: Organization, fiscal_year: int = 2024, **kw):
    from profiles.models import TrackRecord

    return TrackRecord.objects.create(organization=org, fiscal_year=fiscal_year, **kw)


# --- A corpus where relevance is known (hashing embedder) --------------------------------------


def topic_text(i: int, words: int = 8) -> str:
    """Words of topic i: random syllables, so two topics share almost no character n-gram and
    the `hashing` embedder finds a topic's seed only from the same topic's words."""
    import random

    r = random.Random(1000 + i)
    return " ".join(
        "".join(r.choice("bcdfghjklmnpqrstvwxz") + r.choice("aeiou") for _ in range(4))
        for _ in range(words)
    )


# The calibration the tests store for the hashing embedder: p = sigmoid(-9 + 3 z). On the topic
# corpus a need's own-topic seed has z ≈ 4–4.6 (p ≈ 0.95–0.99) and the best seed of a need of
# a topic no seed has z ≈ 1.5–2 (p ≈ 0.01–0.05); the floor 0.4 sits at z ≈ 2.87.
HASHING_CALIBRATION = {"intercept": -9.0, "slope": 3.0}


def store_hashing_calibration(**kw):
    """Store HASHING_CALIBRATION for the active (hashing) model, as `fit_relevance` would."""
    from matching.services.embedding import get_embedder
    from matching.services.relevance import calibration_store

    params = {**HASHING_CALIBRATION, **kw}
    return calibration_store(model_id=get_embedder().model_id, source="tests", **params)


def make_topic_world(*, seeds: int = 24) -> dict:
    """Two universities with `seeds` seeds of topics 0..seeds-1 (fields 材料 and 食品, TRL 2..9),
    a company with a need on topic 0 (served well) and a need on topic 100 (no seed serves it,
    field 材料), and an anonymous company with a need on topic 101 (field 材料, unserved)."""
    north = make_org(kind=OrgKind.UNIVERSITY, name="北方大学", prefecture="青森県")
    south = make_org(kind=OrgKind.UNIVERSITY, name="南海大学", prefecture="福岡県")
    company = make_org(kind=OrgKind.COMPANY, name="未来電機株式会社", prefecture="大阪府")
    hidden = make_org(kind=OrgKind.COMPANY, name="秘密工業株式会社", prefecture="愛知県")
    made = []
    for i in range(seeds):
        made.append(
            make_seed(
                org=north if i % 2 == 0 else south,
                key=f"topic-seed-{i}",
                title=f"研究シーズ {i}",
                summary=topic_text(i),
                keywords=[],
                field="材料" if i % 2 == 0 else "食品",
                trl=2 + i % 8,
                capacity=3,
            )
        )
    served = make_need(
        org=company,
        key="need-served",
        title="よく合うニーズ",
        description=topic_text(0),
        keywords=[],
        field="材料",
    )
    unserved = make_need(
        org=company,
        key="need-unserved",
        title="合う研究シーズのないニーズ",
        description=topic_text(100),
        keywords=[],
        field="材料",
    )
    anonymous = make_need(
        org=hidden,
        key="need-anonymous",
        title="匿名の未充足ニーズ",
        description=topic_text(101),
        keywords=[],
        field="材料",
        is_anonymous=True,
    )
    return {
        "north": north,
        "south": south,
        "company": company,
        "hidden": hidden,
        "seeds": made,
        "served": served,
        "unserved": unserved,
        "anonymous": anonymous,
    }


TOPICS = [
    "全固体電池 固体電解質 硫化物 界面抵抗 リチウム",
    "米粉パン グルテンフリー 食感 澱粉 製パン",
    "免震 木造住宅 ダンパ 耐震設計 地震",
    "養殖 ブリ 病原体 迅速診断 LAMP法",
    "ペロブスカイト 太陽電池 耐久性 封止 発電",
    "排熱回収 熱電変換 モジュール 工場 省エネ",
    "創薬 抗体 バイオマーカー 臨床 がん",
    "農業 ドローン 画像解析 収量予測 水田",
    "水素 貯蔵 合金 燃料電池 触媒",
    "ロボット 把持 触覚センサ 物流 自動化",
    "半導体 パワーデバイス 炭化ケイ素 熱設計",
    "下水 微生物 水処理 膜分離 再生水",
]


def make_catalog(*, seeds: int = 60, needs: int = 60) -> None:
    """Universities, companies, seeds and needs over TOPICS, an investor and a venture (ORM
    rows: no task runs). Similar texts give near-ties, as a real catalogue does."""
    universities = [make_org(kind=OrgKind.UNIVERSITY) for _ in range(4)]
    companies = [make_org(kind=OrgKind.COMPANY) for _ in range(3)]
    for i in range(seeds):
        topic = TOPICS[i % len(TOPICS)]
        words = topic.split()
        make_seed(
            org=universities[i % len(universities)],
            title=f"{words[0]}の研究 {i}",
            summary=f"{topic} {words[(i // len(TOPICS)) % len(words)]} 試料{i}",
            keywords=words[:2],
            capacity=2 + i % 3,
        )
    for i in range(needs):
        topic = TOPICS[(i * 7) % len(TOPICS)]
        words = topic.split()
        make_need(
            org=companies[i % len(companies)],
            title=f"{words[1]}の課題 {i}",
            description=f"{topic} {words[(i // 3) % len(words)]} 案件{i}",
            keywords=words[1:3],
        )
    venture = make_venture(org=universities[0], summary=TOPICS[0])
    make_investor(thesis=TOPICS[0] + " に投資する。")
    venture.seeds.add(*list(universities[0].seeds.all()[:2]))


def publish_search_index() -> dict:
    """What the workers do after seeds change, run here: embed every stale row, then publish
    the shared search index of the current state (matching/services/search_index.py)."""
    from matching.services.embedding import vectors_embed_all
    from matching.services.search_index import index_publish

    vectors_embed_all()
    return index_publish(wait=True)
