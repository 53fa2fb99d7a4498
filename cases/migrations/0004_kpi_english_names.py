"""English names of the national KPIs (the pages show them when the language is English)."""

from django.db import migrations, models

NAMES_EN = {
    "company-investment": "Company investment into universities and national R&D agencies",
    "large-joint-research": "Large joint research projects (¥10M or more per year)",
    "licenses": "University patent licences granted",
    "researcher-moves": "Researcher moves between universities, R&D agencies and companies",
    "cross-appointment-u2c": "Cross-appointments: university / institute → company",
    "cross-appointment-c2u": "Cross-appointments: company → university / institute",
    "spinoff-investments": "Investments in university spin-offs (count)",
    "spinoff-investment-amount": "Investments in university spin-offs (amount)",
}


def load(apps, schema_editor):
    KpiIndicator = apps.get_model("cases", "KpiIndicator")
    for code, name_en in NAMES_EN.items():
        KpiIndicator.objects.filter(code=code).update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_starting_cases")]

    operations = [
        migrations.AddField(
            model_name="kpiindicator",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="英語名称"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
