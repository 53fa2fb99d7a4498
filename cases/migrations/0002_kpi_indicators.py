"""National KPI baselines and targets from 未来投資戦略2017, kept as data.

Figures as given in the policy (and the issue that asked for this dashboard); a target year
is left blank where the figure given here does not state one. Indicators without a national
baseline (cross-appointments by direction, spin-off investments) show the platform's own
figures only.
"""

from decimal import Decimal

from django.db import migrations

SOURCE_TITLE = "未来投資戦略2017 ―Society 5.0 の実現に向けた改革― (平成29年6月9日閣議決定)"
SOURCE_URL = "https://www.kantei.go.jp/jp/singi/keizaisaisei/pdf/miraitousi2017_t.pdf"

INDICATORS = [
    {
        "code": "company-investment",
        "name": "企業から大学・国立研究開発法人等への投資",
        "unit": "yen",
        "aggregation": "company_investment_yen",
        "baseline_value": 115_088_000_000,
        "baseline_fiscal_year": 2014,
        "target_multiplier": Decimal("3"),
        "target_fiscal_year": 2025,
        "target_text": "2025年までに企業から大学・国立研究開発法人等への投資を3倍増 (2014年度比)",
        "note": (
            "基準値は2014年度の1,151億円 (115,088百万円)。本プラットフォームの値は、"
            "共同研究・受託研究・包括連携の成果の契約額を年数で割った年額を、成果の年度に計上したもの。"
        ),
        "order": 10,
    },
    {
        "code": "large-joint-research",
        "name": "大型共同研究 (年額1,000万円以上) の件数",
        "unit": "count",
        "aggregation": "large_joint_research_count",
        "baseline_value": 690,
        "baseline_fiscal_year": 2013,
        "target_multiplier": Decimal("2"),
        "target_fiscal_year": 2020,
        "target_text": "大型共同研究の件数を2020年度までに2倍 (2013年度比)",
        "note": "本プラットフォームの値は、共同研究・包括連携の成果のうち年額が1,000万円以上の件数。",
        "order": 20,
    },
    {
        "code": "licenses",
        "name": "大学の特許権実施許諾件数",
        "unit": "count",
        "aggregation": "license_count",
        "baseline_value": 9_856,
        "baseline_fiscal_year": 2013,
        "target_multiplier": Decimal("1.5"),
        "target_fiscal_year": None,
        "target_text": "5割増 (2013年度比)",
        "note": "本プラットフォームの値は、ライセンス契約の成果の件数。",
        "order": 30,
    },
    {
        "code": "researcher-moves",
        "name": "大学・国立研究開発法人・企業間の研究者の移動数",
        "unit": "people",
        "aggregation": "researcher_moves",
        "baseline_value": 10_150,
        "baseline_fiscal_year": 2013,
        "target_multiplier": Decimal("1.2"),
        "target_fiscal_year": None,
        "target_text": "2割増 (2013年度比)",
        "note": (
            "本プラットフォームの値は、合意したクロスアポイントメントの人数 (両方向の合計)。"
            "人数が記録されていない合意は1人と数える。"
        ),
        "order": 40,
    },
    {
        "code": "cross-appointment-u2c",
        "name": "クロスアポイントメント: 大学・研究機関 → 企業",
        "unit": "people",
        "aggregation": "cross_appointment_u2c",
        "note": "大学の研究者が企業の業務に従事する方向。国全体で少ない方向のため別に数える。",
        "order": 50,
    },
    {
        "code": "cross-appointment-c2u",
        "name": "クロスアポイントメント: 企業 → 大学・研究機関",
        "unit": "people",
        "aggregation": "cross_appointment_c2u",
        "note": "企業の研究者が大学・研究機関の業務に従事する方向。",
        "order": 60,
    },
    {
        "code": "spinoff-investments",
        "name": "大学発ベンチャーへの出資 (件数)",
        "unit": "count",
        "aggregation": "spinoff_investment_count",
        "note": "国の基準値は登録していない (出典を確認できた値のみ登録する方針)。",
        "order": 70,
    },
    {
        "code": "spinoff-investment-amount",
        "name": "大学発ベンチャーへの出資額",
        "unit": "yen",
        "aggregation": "spinoff_investment_yen",
        "note": "国の基準値は登録していない (出典を確認できた値のみ登録する方針)。",
        "order": 80,
    },
]


def load(apps, schema_editor):
    KpiIndicator = apps.get_model("cases", "KpiIndicator")
    for row in INDICATORS:
        data = dict(row)
        if data.get("baseline_value") is not None:
            data.setdefault("source_title", SOURCE_TITLE)
            data.setdefault("source_url", SOURCE_URL)
        KpiIndicator.objects.update_or_create(code=data.pop("code"), defaults=data)


def unload(apps, schema_editor):
    KpiIndicator = apps.get_model("cases", "KpiIndicator")
    KpiIndicator.objects.filter(code__in=[row["code"] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
