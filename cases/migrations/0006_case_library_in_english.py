"""English for the starting case library of migration 0003: parties, fields, amount notes,
summaries and what made each partnership work, translated faithfully from the Japanese of 0003.
Every figure and date is the one of 0003; the sources (titles and URLs) are left exactly as
published and are shown under their original titles.
"""

from django.db import migrations, models

ENGLISH = {
    "osaka-ifrec-chugai": {
        "academic_party_en": "Osaka University Immunology Frontier Research Center (IFReC)",
        "company_party_en": "Chugai Pharmaceutical Co., Ltd.",
        "fields_en": [
            "Immunology",
            "Drug discovery",
            "Antibody drugs",
            "Allergy",
            "Autoimmune diseases",
            "Cancer",
        ],
        "amount_note_en": (
            "Signed on 19 May 2016. ¥1 billion a year from April 2017 to March 2027, "
            "¥10 billion in total."
        ),
        "summary_en": (
            "A comprehensive partnership in which Chugai Pharmaceutical funds IFReC's immunology "
            "research for ten years. IFReC continues independent research driven by its "
            "researchers' own ideas and discloses information on the results to Chugai. Chugai "
            "holds a first right of refusal on joint research and chooses joint research themes "
            "from the disclosed results. Five to ten joint research projects run at any time, "
            "and a partnership promotion lab is set up inside IFReC."
        ),
        "success_factors_en": (
            "An organisation-to-organisation partnership proposed by the university side "
            "(IFReC) to the company, a different form from the usual individual joint research "
            "projects and donations. Basic research keeps its freedom while the company gets a "
            "clear return in the first right of refusal. World-class research strength built up "
            "as a WPI centre, and a ten-year funding outlook."
        ),
    },
    "kyoto-cira-takeda-t-cira": {
        "academic_party_en": "Kyoto University Center for iPS Cell Research and Application (CiRA)",
        "company_party_en": "Takeda Pharmaceutical Company Limited",
        "fields_en": [
            "iPS cells",
            "Regenerative medicine",
            "Drug discovery",
            "Heart failure",
            "Diabetes",
            "Neurological diseases",
            "Intractable muscle diseases",
            "Cancer immunotherapy",
        ],
        "amount_note_en": (
            "Contract of April 2015. Takeda bears research costs of about ¥20 billion over ten "
            "years (about ¥2 billion a year) and provides research facilities at its Shonan "
            "Research Center. The amount per year is the total divided by ten years."
        ),
        "summary_en": (
            "A ten-year joint research programme aiming at clinical applications of iPS cell "
            "technology. CiRA director Shinya Yamanaka directed the research as a whole; Takeda "
            "provided research funding, advice on running the programme and research facilities "
            "at its Shonan Research Center. At the start, 30 researchers each from CiRA and "
            "Takeda gathered at the Shonan Research Center and worked in six disease areas, "
            "including cancer, heart failure, diabetes, neurodegenerative diseases and "
            "intractable muscle diseases."
        ),
        "success_factors_en": (
            "University and company researchers working together in one place (the company's "
            "research centre). A division of roles in which the university's leading researcher "
            "directs the research as a whole and the company provides funding, facilities and "
            "its compound library. The contract set out how rights to commercialise the results "
            "are handled (the results of research on an iPS cell-derived CAR-T cell therapy were "
            "transferred to Takeda under the terms of the contract)."
        ),
    },
    "hokkaido-hitachi-lab": {
        "academic_party_en": "Hokkaido University",
        "company_party_en": "Hitachi, Ltd.",
        "fields_en": [
            "Mathematical models",
            "New-concept computing",
            "Regional issues",
            "Ageing society and low birth rate",
            "Environment",
            "Regional revitalisation",
        ],
        "amount_note_en": "The amount has not been published.",
        "summary_en": (
            "Opened inside Hokkaido University on 1 June 2016. It carries out joint research "
            "towards solving the social issues Hokkaido faces, such as the ageing society and "
            "low birth rate, population decline, a sluggish regional economy and global "
            "warming. Working with the university's Research Institute for Electronic Science, "
            "it develops new-concept computing technology that turns social issues into "
            "mathematical models and derives optimal solutions. It was set up as an industry "
            "creation division under the university's system of industry creation chairs."
        ),
        "success_factors_en": (
            "Earlier collaboration built up over time, such as the joint development of a "
            "proton beam cancer therapy system and work together at a COI centre. The "
            "university had a system for placing a company's division on campus (its industry "
            "creation chair system). Regional issues are taken as research themes and lead to "
            "demonstrations together with local governments."
        ),
    },
    "utokyo-hitachi-lab": {
        "academic_party_en": "The University of Tokyo",
        "company_party_en": "Hitachi, Ltd.",
        "fields_en": [
            "Society 5.0",
            "Super smart society",
            "Biological intelligence",
            "Health",
            "Energy",
            "Cities",
        ],
        "amount_note_en": "The amount has not been published.",
        "summary_en": (
            "Set up inside the University of Tokyo on 20 June 2016. Moving away from "
            "industry–academia collaboration that solves given problems, it is a centre of "
            "industry–academia co-creation that creates and communicates visions for a super "
            "smart society (Society 5.0) and works on the problems on the way to them. Its first "
            "theme was \"a healthy, safe and secure society using biological intelligence beyond "
            "humans and machines\". It started with 12 people, 10 of them from Hitachi."
        ),
        "success_factors_en": (
            "Designed for the two organisations to work together from the making of the vision "
            "onwards, rather than joint research on individual themes. The visions are also "
            "communicated as policy proposals, and results are made public at open forums."
        ),
    },
    "kyoto-hitachi-lab": {
        "academic_party_en": "Kyoto University",
        "company_party_en": "Hitachi, Ltd.",
        "fields_en": [
            "Artificial intelligence",
            "Social issues",
            "Humanities and social sciences",
            "Fundamental physics",
            "Measurement",
        ],
        "amount_note_en": "The amount has not been published.",
        "summary_en": (
            "A joint research division whose opening was announced in June 2016. It is housed "
            "in the International Science Innovation Building on Kyoto University's Yoshida "
            "campus, with eight Hitachi researchers stationed there. Its themes are \"social "
            "issues in 2050 and how universities and companies should be to solve them\", "
            "\"artificial intelligence that learns from the evolution of humans and living "
            "things\" and \"advanced measurement for fundamental physics\"."
        ),
        "success_factors_en": (
            "The form of a joint research division with company researchers stationed at the "
            "university. Themes that explore long-term social issues across the humanities and "
            "the sciences."
        ),
    },
    "osaka-daikin": {
        "academic_party_en": "Osaka University",
        "company_party_en": "Daikin Industries, Ltd.",
        "fields_en": [
            "Information science",
            "Artificial intelligence",
            "IoT",
            "Air conditioning",
            "Energy management",
        ],
        "amount_note_en": (
            "About ¥5.6 billion in total over ten years from July 2017: ¥500 million a year for "
            "operations, and about ¥600 million for facilities such as those for demonstration "
            "experiments."
        ),
        "summary_en": (
            "A comprehensive partnership centred on information science. A research unit, the "
            "Daikin Information Science Research Unit (Di-CHiLD), is placed inside the "
            "university's Center for Living Space Design Innovation (i-CHiLD), where university "
            "researchers and company engineers do joint research. It also trains young "
            "researchers in AI and IoT."
        ),
        "success_factors_en": (
            "A dedicated research unit for the joint research set up on campus. Four "
            "partnership programmes that combine research and the training of people. A clear "
            "funding plan that separates operating costs from facility costs."
        ),
    },
    "utokyo-daikin": {
        "academic_party_en": "The University of Tokyo",
        "company_party_en": "Daikin Industries, Ltd.",
        "fields_en": [
            "Air",
            "Air conditioning",
            "Environment",
            "Energy",
            "Artificial intelligence",
            "Start-ups",
        ],
        "amount_note_en": (
            "On the scale of ¥10 billion over ten years from December 2018: ¥1 billion a year, "
            "half of it for supporting start-ups related to the University of Tokyo."
        ),
        "summary_en": (
            "Built around \"creating value from air\", it runs three co-creation programmes: "
            "co-creating visions of the future, creating future technologies, and working with "
            "start-ups. It stands out for exchanges of people between the two organisations, "
            "such as exchanges through the cross-appointment system, company employees "
            "stationed at the University of Tokyo, and student internships at overseas sites."
        ),
        "success_factors_en": (
            "An organisation-to-organisation partnership agreed between the two leaders. "
            "Mechanisms for exchanging people were built in, not only research themes "
            "(including a model in which University of Tokyo faculty also sign an employment "
            "contract with the company). Projects planned at residential workshops. Support for "
            "start-ups built into half of the funding."
        ),
    },
    "utokyo-softbank-beyond-ai": {
        "academic_party_en": "The University of Tokyo",
        "company_party_en": "SoftBank Corp., SoftBank Group Corp. and Yahoo Japan Corporation",
        "fields_en": [
            "Artificial intelligence",
            "Brain science",
            "Devices",
            "Medicine and healthcare",
            "Smart cities",
            "MaaS",
        ],
        "amount_note_en": (
            "Up to ¥20 billion over ten years (an upper limit). Agreement in December 2019; "
            "joint research started on 30 July 2020."
        ),
        "summary_en": (
            "Two strands: medium- to long-term research at the frontier of AI, and high-cycle "
            "research that aims to commercialise its results. Its numerical targets are ten "
            "businesses and three new academic fields in ten years, and a commercialisation team "
            "of about 50 people at SoftBank supports the research from the early stages. Results "
            "are commercialised through joint ventures under the CIP system, and the returns are "
            "reinvested in research and in training people."
        ),
        "success_factors_en": (
            "Concrete numerical targets (ten businesses, three new academic fields). A dedicated "
            "commercialisation team placed on the company side. An ecosystem designed to return "
            "the gains from commercialisation to research."
        ),
    },
    "kyoto-daikin": {
        "academic_party_en": "Kyoto University",
        "company_party_en": "Daikin Industries, Ltd.",
        "fields_en": [
            "Healthcare",
            "Environment",
            "Energy",
            "Air",
            "Air conditioning",
            "Cohort studies",
        ],
        "amount_note_en": (
            "Investment set at about ¥5 billion in total over ten years from 1 April 2021."
        ),
        "summary_en": (
            "The themes of the organisation-level comprehensive partnership agreement signed in "
            "2013 were reviewed and rebuilt into five co-creation programmes that reach beyond "
            "engineering to medicine, agriculture and area studies. In healthcare, it uses the "
            "platform of the Nagahama Zero-Order Cohort project to analyse how air and space "
            "relate to health information."
        ),
        "success_factors_en": (
            "The university proposed new themes on the trust built through the "
            "organisation-level partnership since 2013. A mechanism that looks for themes across "
            "faculties, open to researchers of the whole university including the humanities "
            "and social sciences."
        ),
    },
}


def load(apps, schema_editor):
    PartnershipCase = apps.get_model("cases", "PartnershipCase")
    for slug, values in ENGLISH.items():
        PartnershipCase.objects.filter(slug=slug).update(**values)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_kpi_english_notes_and_targets")]

    operations = [
        migrations.AddField(
            model_name="partnershipcase",
            name="academic_party_en",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="大学・研究機関 (英語)"
            ),
        ),
        migrations.AddField(
            model_name="partnershipcase",
            name="company_party_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="企業 (英語)"),
        ),
        migrations.AddField(
            model_name="partnershipcase",
            name="fields_en",
            field=models.JSONField(blank=True, default=list, verbose_name="分野 (英語)"),
        ),
        migrations.AddField(
            model_name="partnershipcase",
            name="amount_note_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="金額の注記 (英語)"),
        ),
        migrations.AddField(
            model_name="partnershipcase",
            name="summary_en",
            field=models.TextField(blank=True, verbose_name="概要 (英語)"),
        ),
        migrations.AddField(
            model_name="partnershipcase",
            name="success_factors_en",
            field=models.TextField(blank=True, verbose_name="成功の要因 (英語)"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
