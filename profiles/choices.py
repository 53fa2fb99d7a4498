"""Domain vocabularies, defined once, with Japanese labels (English through translation)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    UNIVERSITY = "university", _("大学")
    RESEARCH_INSTITUTE = "research_institute", _("研究機関")
    COMPANY = "company", _("企業")
    INVESTOR = "investor", _("投資家")


ACADEMIC_KINDS = (OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    APPROVED = "approved", _("承認済み")
    REJECTED = "rejected", _("却下")


class MemberRole(models.TextChoices):
    MANAGER = "manager", _("管理者")
    STAFF = "staff", _("担当者")


class Region(models.TextChoices):
    HOKKAIDO = "hokkaido", _("北海道")
    TOHOKU = "tohoku", _("東北")
    KANTO = "kanto", _("関東")
    CHUBU = "chubu", _("中部")
    KINKI = "kinki", _("近畿")
    CHUGOKU = "chugoku", _("中国")
    SHIKOKU = "shikoku", _("四国")
    KYUSHU_OKINAWA = "kyushu_okinawa", _("九州・沖縄")


# The 47 prefectures in JIS order, each with its label (English through translation) and its
# region. The prefecture is stored as its Japanese name, which is what the catalog format and
# every IP office spreadsheet use; pages show the label (`profiles.display.prefecture_label`).
PREFECTURES: tuple[tuple[str, str, str], ...] = (
    ("北海道", _("北海道"), Region.HOKKAIDO),
    ("青森県", _("青森県"), Region.TOHOKU),
    ("岩手県", _("岩手県"), Region.TOHOKU),
    ("宮城県", _("宮城県"), Region.TOHOKU),
    ("秋田県", _("秋田県"), Region.TOHOKU),
    ("山形県", _("山形県"), Region.TOHOKU),
    ("福島県", _("福島県"), Region.TOHOKU),
    ("茨城県", _("茨城県"), Region.KANTO),
    ("栃木県", _("栃木県"), Region.KANTO),
    ("群馬県", _("群馬県"), Region.KANTO),
    ("埼玉県", _("埼玉県"), Region.KANTO),
    ("千葉県", _("千葉県"), Region.KANTO),
    ("東京都", _("東京都"), Region.KANTO),
    ("神奈川県", _("神奈川県"), Region.KANTO),
    ("新潟県", _("新潟県"), Region.CHUBU),
    ("富山県", _("富山県"), Region.CHUBU),
    ("石川県", _("石川県"), Region.CHUBU),
    ("福井県", _("福井県"), Region.CHUBU),
    ("山梨県", _("山梨県"), Region.CHUBU),
    ("長野県", _("長野県"), Region.CHUBU),
    ("岐阜県", _("岐阜県"), Region.CHUBU),
    ("静岡県", _("静岡県"), Region.CHUBU),
    ("愛知県", _("愛知県"), Region.CHUBU),
    ("三重県", _("三重県"), Region.KINKI),
    ("滋賀県", _("滋賀県"), Region.KINKI),
    ("京都府", _("京都府"), Region.KINKI),
    ("大阪府", _("大阪府"), Region.KINKI),
    ("兵庫県", _("兵庫県"), Region.KINKI),
    ("奈良県", _("奈良県"), Region.KINKI),
    ("和歌山県", _("和歌山県"), Region.KINKI),
    ("鳥取県", _("鳥取県"), Region.CHUGOKU),
    ("島根県", _("島根県"), Region.CHUGOKU),
    ("岡山県", _("岡山県"), Region.CHUGOKU),
    ("広島県", _("広島県"), Region.CHUGOKU),
    ("山口県", _("山口県"), Region.CHUGOKU),
    ("徳島県", _("徳島県"), Region.SHIKOKU),
    ("香川県", _("香川県"), Region.SHIKOKU),
    ("愛媛県", _("愛媛県"), Region.SHIKOKU),
    ("高知県", _("高知県"), Region.SHIKOKU),
    ("福岡県", _("福岡県"), Region.KYUSHU_OKINAWA),
    ("佐賀県", _("佐賀県"), Region.KYUSHU_OKINAWA),
    ("長崎県", _("長崎県"), Region.KYUSHU_OKINAWA),
    ("熊本県", _("熊本県"), Region.KYUSHU_OKINAWA),
    ("大分県", _("大分県"), Region.KYUSHU_OKINAWA),
    ("宮崎県", _("宮崎県"), Region.KYUSHU_OKINAWA),
    ("鹿児島県", _("鹿児島県"), Region.KYUSHU_OKINAWA),
    ("沖縄県", _("沖縄県"), Region.KYUSHU_OKINAWA),
)
PREFECTURE_REGION: dict[str, str] = {name: region for name, _label, region in PREFECTURES}
PREFECTURE_LABELS = {name: label for name, label, _region in PREFECTURES}
PREFECTURE_CHOICES = [(name, label) for name, label, _region in PREFECTURES]


def region_for_prefecture(prefecture: str) -> str:
    """The region of a prefecture name; '' when the prefecture is not set."""
    return PREFECTURE_REGION.get(prefecture, "")


class CollaborationMode(models.TextChoices):
    JOINT_RESEARCH = "joint_research", _("共同研究")
    CONTRACT_RESEARCH = "contract_research", _("受託研究")
    LICENSE = "license", _("ライセンス")
    CROSS_APPOINTMENT = "cross_appointment", _("クロスアポイントメント")
    SPINOFF = "spinoff", _("大学発ベンチャー")
    COMPREHENSIVE_PARTNERSHIP = "comprehensive_partnership", _("組織対組織の包括連携")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開")
    ARCHIVED = "archived", _("アーカイブ")


class Language(models.TextChoices):
    JA = "ja", _("日本語")
    EN = "en", _("英語")


class InvestorKind(models.TextChoices):
    VC = "vc", _("ベンチャーキャピタル")
    ACCELERATOR = "accelerator", _("アクセラレーター")
    CVC = "cvc", _("コーポレートVC")


class Stage(models.TextChoices):
    PRE_SEED = "pre_seed", _("プレシード")
    SEED = "seed", _("シード")
    SERIES_A = "series_a", _("シリーズA")
    SERIES_B = "series_b", _("シリーズB")


STAGE_ORDER = [s.value for s in Stage]

TRL_MIN = 1
TRL_MAX = 9

# The largest amount of yen anyone may enter anywhere (budgets, tickets, contracts, estimates):
# ¥10 trillion, far above any real agreement and far below the database's integer limit. One
# bound for pages, API and imports alike, so no path lets a larger figure into the KPIs.
MAX_YEN = 10**13
