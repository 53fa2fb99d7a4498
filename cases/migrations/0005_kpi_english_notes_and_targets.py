"""English for what the national KPIs say besides their names: the target as written in the
policy, the note under each indicator and the source's title, so that /kpi/ and its CSV read in
English all the way down.

The wording follows the policy's English edition (Investments for the Future Strategy 2017 —
Reform for Achieving Society 5.0, Cabinet decision of 9 June 2017) and, where the Japanese here
paraphrases it, translates the Japanese text of migration 0002 faithfully. Every figure is the
one of 0002: ¥115,088 million = ¥115.1 billion.
"""

from django.db import migrations, models

SOURCE_TITLE_EN = (
    "Investments for the Future Strategy 2017 — Reform for Achieving Society 5.0 — "
    "(Cabinet decision, 9 June 2017; the Japanese original)"
)

ENGLISH = {
    "company-investment": {
        "target_text_en": (
            "Triple the investment from companies into universities and national research and "
            "development agencies by 2025 (compared with FY2014)"
        ),
        "note_en": (
            "The baseline is ¥115.1 billion (¥115,088 million) in FY2014. The platform's figure "
            "is the contract amount of each joint research, contract research and comprehensive "
            "partnership outcome divided by its number of years, counted in the outcome's "
            "fiscal year."
        ),
    },
    "large-joint-research": {
        "target_text_en": (
            "Double the number of large joint research projects by FY2020 (compared with FY2013)"
        ),
        "note_en": (
            "The platform's figure is the number of joint research and comprehensive partnership "
            "outcomes of ¥10 million or more per year."
        ),
    },
    "licenses": {
        "target_text_en": "Increase by 50% (compared with FY2013)",
        "note_en": "The platform's figure is the number of licence agreement outcomes.",
    },
    "researcher-moves": {
        "target_text_en": "Increase by 20% (compared with FY2013)",
        "note_en": (
            "The platform's figure is the number of people in agreed cross-appointments (both "
            "directions together). An agreement recorded without a number of people counts as "
            "one person."
        ),
    },
    "cross-appointment-u2c": {
        "note_en": (
            "University researchers working for a company. Counted separately because this "
            "direction is rare nationwide."
        ),
    },
    "cross-appointment-c2u": {
        "note_en": "Company researchers working for a university or research institute.",
    },
    "spinoff-investments": {
        "note_en": (
            "No national baseline is recorded (only values whose source could be checked are "
            "recorded)."
        ),
    },
    "spinoff-investment-amount": {
        "note_en": (
            "No national baseline is recorded (only values whose source could be checked are "
            "recorded)."
        ),
    },
}


def load(apps, schema_editor):
    KpiIndicator = apps.get_model("cases", "KpiIndicator")
    for code, values in ENGLISH.items():
        row = KpiIndicator.objects.filter(code=code).first()
        if row is None:
            continue
        for name, value in values.items():
            setattr(row, name, value)
        if row.source_title:
            row.source_title_en = SOURCE_TITLE_EN
        row.save()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_kpi_english_names")]

    operations = [
        migrations.AddField(
            model_name="kpiindicator",
            name="target_text_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="目標 (英語)"),
        ),
        migrations.AddField(
            model_name="kpiindicator",
            name="source_title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="出典 (英語)"),
        ),
        migrations.AddField(
            model_name="kpiindicator",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="注記 (英語)"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
