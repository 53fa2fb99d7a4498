"""The starting case library: nine documented organisation-to-organisation partnerships.

Every figure comes from the public source listed with the case; amounts no source states are
left blank (null), never estimated. A per-year amount is filled only where a source gives it, or
(T-CiRA) where a source gives a total over a stated number of years; the note says which.
"""

from django.db import migrations

CASES = [
    {
        "slug": "osaka-ifrec-chugai",
        "title": "大阪大学 免疫学フロンティア研究センター × 中外製薬 包括連携契約",
        "title_en": "Osaka University IFReC × Chugai Pharmaceutical comprehensive agreement",
        "academic_party": "大阪大学 免疫学フロンティア研究センター (IFReC)",
        "company_party": "中外製薬株式会社",
        "scheme": "comprehensive_agreement",
        "fields": ["免疫学", "創薬", "抗体医薬", "アレルギー", "自己免疫疾患", "がん"],
        "start_year": 2017,
        "duration_years": 10,
        "amount_per_year_yen": 1_000_000_000,
        "total_amount_yen": 10_000_000_000,
        "amount_note": "2016年5月19日締結。2017年4月から2027年3月まで年間10億円、総額100億円。",
        "summary": (
            "中外製薬がIFReCの免疫学研究に10年間資金を提供する包括連携。IFReCは研究者の発想に"
            "基づく自主研究を続け、その成果の情報を中外製薬に開示する。中外製薬は共同研究に"
            "関する第一選択権を持ち、開示された成果から共同研究テーマを選ぶ。常時5〜10件の"
            "共同研究を進め、IFReC内に連携推進ラボを置く。"
        ),
        "success_factors": (
            "大学側 (IFReC) から企業に提案した組織対組織の連携で、従来の個別の共同研究や寄附と"
            "異なる形。基礎研究の自由を保ったまま、企業は第一選択権という明確な見返りを得る。"
            "WPI拠点として築いた世界的な研究力と、10年という長期の資金の見通し。"
        ),
        "sources": [
            {
                "title": "中外製薬 ニュースリリース「大阪大学と中外製薬の包括連携契約締結のお知らせ」(2016年5月19日)",
                "url": "https://www.chugai-pharm.co.jp/news/detail/20160519150000_180.html",
            },
            {
                "title": "大学ジャーナル「大阪大学と中外製薬、免疫学研究で包括連携契約」",
                "url": "http://univ-journal.jp/7312/",
            },
            {
                "title": "リセマム「阪大と中外製薬が新薬開発で連携、拠出総額は100億円」(2016年5月25日)",
                "url": "http://resemom.jp/article/2016/05/25/31673.html",
            },
        ],
    },
    {
        "slug": "kyoto-cira-takeda-t-cira",
        "title": "京都大学 iPS細胞研究所 × 武田薬品工業 T-CiRA",
        "title_en": "Kyoto University CiRA × Takeda: T-CiRA joint program for iPS cell applications",
        "academic_party": "京都大学 iPS細胞研究所 (CiRA)",
        "company_party": "武田薬品工業株式会社",
        "scheme": "joint_research_program",
        "fields": [
            "iPS細胞",
            "再生医療",
            "創薬",
            "心不全",
            "糖尿病",
            "神経疾患",
            "難治性筋疾患",
            "がん免疫療法",
        ],
        "start_year": 2015,
        "duration_years": 10,
        "amount_per_year_yen": 2_000_000_000,
        "total_amount_yen": 20_000_000_000,
        "amount_note": "2015年4月契約。武田薬品が10年間で約200億円 (年20億円規模) の研究費を負担し、湘南研究所の研究設備を提供。年額は総額を10年で割った値。",
        "summary": (
            "iPS細胞技術の臨床応用を目指す10年間の共同研究プログラム。山中伸弥CiRA所長が研究"
            "全体を指揮し、武田薬品は研究費の提供と運営への助言、湘南研究所の研究設備を提供した。"
            "開始時はCiRAと武田から各30人の研究者が湘南研究所に集まり、がん、心不全、糖尿病、"
            "神経変性疾患、難治性筋疾患など六つの疾患領域で研究した。"
        ),
        "success_factors": (
            "大学の研究者と企業の研究者が一つの場所 (企業の研究所) で一緒に研究する体制。"
            "大学側の第一人者が研究全体を指揮し、企業が資金・設備・化合物ライブラリを提供する"
            "役割分担。成果の事業化権の扱いを契約で定めた (iPS細胞由来CAR-T細胞療法の研究成果が"
            "契約条件に従い武田に承継された)。"
        ),
        "sources": [
            {
                "title": "M&A Times「京大iPS細胞研究所と武田薬品、iPS細胞技術の臨床応用に向けた共同研究契約を締結」",
                "url": "https://ma-times.jp/14275.html",
            },
            {
                "title": "薬事日報「T-CiRAが始動 六つの疾患領域で研究」",
                "url": "https://www.yakuji.co.jp/entry47915.html",
            },
            {
                "title": "Pharma Asset「T-CiRAからiCARTの研究成果を武田に継承」(2019年7月)",
                "url": "https://news.pharma-asset.com/2019/07/ips-ips-car-t.html",
            },
        ],
    },
    {
        "slug": "hokkaido-hitachi-lab",
        "title": "北海道大学 × 日立製作所 日立北大ラボ",
        "title_en": "Hokkaido University × Hitachi: Hitachi Hokkaido University Laboratory",
        "academic_party": "北海道大学",
        "company_party": "株式会社日立製作所",
        "scheme": "joint_lab",
        "fields": ["数理モデル", "新概念コンピューティング", "地域課題", "少子高齢化", "環境", "地方創生"],
        "start_year": 2016,
        "duration_years": None,
        "amount_per_year_yen": None,
        "total_amount_yen": None,
        "amount_note": "金額は公表されていない。",
        "summary": (
            "2016年6月1日に北海道大学内に開設。北海道が直面する少子高齢化、人口減少、地域経済の"
            "低迷、地球温暖化などの社会課題の解決に向けた共同研究を進める。北大電子科学研究所と"
            "連携し、社会課題を数学モデルに置き換えて最適解を導く新概念コンピューティング技術を"
            "開発する。北大の「産業創出講座等制度」に基づく産業創出部門として設置された。"
        ),
        "success_factors": (
            "陽子線がん治療システムの共同開発やCOI拠点での協働など、それまでの連携の積み重ね。"
            "大学側に企業の部門を学内に置く制度 (産業創出講座等制度) があったこと。"
            "地域の課題を研究テーマにし、自治体と連携した実証につなげている。"
        ),
        "sources": [
            {
                "title": "北海道大学 時報「日立北大ラボ開設記念式典を開催」",
                "url": "https://www.hokudai.ac.jp/bureau/news/jihou/jihou1608/749_15.html",
            },
            {
                "title": "クラウド Watch「日立と北海道大学、『日立北大ラボ』を設立」",
                "url": "http://cloud.watch.impress.co.jp/docs/news/1005624.html",
            },
            {
                "title": "マイナビニュース「北大と日立、日立北大ラボを開設」(2016年6月17日)",
                "url": "https://news.mynavi.jp/techplus/article/20160617-a227",
            },
        ],
    },
    {
        "slug": "utokyo-hitachi-lab",
        "title": "東京大学 × 日立製作所 日立東大ラボ",
        "title_en": "University of Tokyo × Hitachi: Hitachi-UTokyo Laboratory",
        "academic_party": "東京大学",
        "company_party": "株式会社日立製作所",
        "scheme": "joint_lab",
        "fields": ["Society 5.0", "超スマート社会", "生命知能", "健康", "エネルギー", "都市"],
        "start_year": 2016,
        "duration_years": None,
        "amount_per_year_yen": None,
        "total_amount_yen": None,
        "amount_note": "金額は公表されていない。",
        "summary": (
            "2016年6月20日に東京大学内に設置。従来の課題解決型の産学連携から発想を転換し、"
            "超スマート社会 (Society 5.0) の実現に向けたビジョンを創生・発信し、その実現に向けた"
            "課題解決に取り組む「産学協創」の拠点。先行テーマは「人や機械を超える生命知能を"
            "活用した健康・安心・安全社会の実現」。発足時は12人で、うち10人が日立から参加。"
        ),
        "success_factors": (
            "個別テーマの共同研究ではなく、ビジョンづくりから組織として一緒に行う設計。"
            "ビジョンを政策提言としても発信し、オープンフォーラムで成果を公開する。"
        ),
        "sources": [
            {
                "title": "日立製作所 ニュースリリース「産学連携から産学協創へ - 日立東大ラボを設置」(2016年6月20日)",
                "url": "http://hitachi.co.jp/New/cnews/month/2016/06/0620.html",
            },
            {
                "title": "日経 xTECH「日立と東大が『日立東大ラボ』を設置」(2016年6月20日)",
                "url": "http://itpro.nikkeibp.co.jp/atcl/news/16/062001787/",
            },
        ],
    },
    {
        "slug": "kyoto-hitachi-lab",
        "title": "京都大学 × 日立製作所 日立京大ラボ (日立未来課題探索共同研究部門)",
        "title_en": "Kyoto University × Hitachi: Hitachi Kyoto University Laboratory",
        "academic_party": "京都大学",
        "company_party": "株式会社日立製作所",
        "scheme": "joint_research_chair",
        "fields": ["人工知能", "社会課題", "人文社会科学", "基礎物理", "計測"],
        "start_year": 2016,
        "duration_years": None,
        "amount_per_year_yen": None,
        "total_amount_yen": None,
        "amount_note": "金額は公表されていない。",
        "summary": (
            "2016年6月に開設を発表した共同研究部門。京都大学吉田キャンパスの国際科学イノベーション"
            "棟に置かれ、日立の研究者8名が常駐。テーマは「2050年の社会課題と、その解決に向けた"
            "大学と企業のありかた」「人や生物の進化に学ぶ人工知能」「基礎物理のための最先端計測」。"
        ),
        "success_factors": (
            "企業の研究者が大学内に常駐する共同研究部門の形。長期の社会課題を文理の垣根を越えて"
            "探索するテーマ設定。"
        ),
        "sources": [
            {
                "title": "日経 xTECH「京大と日立、『日立京大ラボ』を開設」(2016年6月23日)",
                "url": "http://techon.nikkeibp.co.jp/atcl/news/16/062302716/",
            },
        ],
    },
    {
        "slug": "osaka-daikin",
        "title": "大阪大学 × ダイキン工業 情報科学分野の包括連携",
        "title_en": "Osaka University × Daikin Industries comprehensive agreement (information science)",
        "academic_party": "大阪大学",
        "company_party": "ダイキン工業株式会社",
        "scheme": "comprehensive_agreement",
        "fields": ["情報科学", "人工知能", "IoT", "空調", "エネルギーマネジメント"],
        "start_year": 2017,
        "duration_years": 10,
        "amount_per_year_yen": 500_000_000,
        "total_amount_yen": 5_600_000_000,
        "amount_note": "2017年7月から10年間で総額約56億円: 運営費として毎年5億円、実証実験用設備等の整備費として約6億円。",
        "summary": (
            "情報科学分野を中心とした包括連携。大阪大学の暮らしの空間デザインイノベーション"
            "センター (i-CHiLD) 内に研究ユニット「ダイキン情報科学研究ユニット (Di-CHiLD)」を"
            "置き、大学の研究者と企業の技術者が共同研究を行う。AI・IoTの若手研究者の養成も行う。"
        ),
        "success_factors": (
            "共同研究のための専用の研究ユニットを学内に設けたこと。研究と人材育成を一体にした"
            "4つの連携プログラム。運営費と設備費を分けた明確な資金計画。"
        ),
        "sources": [
            {
                "title": "マイナビニュース「阪大とダイキン、情報科学分野で包括連携 - 10年間で56億円」(2017年6月26日)",
                "url": "https://news.mynavi.jp/techplus/article/20170626-a281",
            },
        ],
    },
    {
        "slug": "utokyo-daikin",
        "title": "東京大学 × ダイキン工業 産学協創協定",
        "title_en": "University of Tokyo × Daikin Industries industry-academia co-creation agreement",
        "academic_party": "東京大学",
        "company_party": "ダイキン工業株式会社",
        "scheme": "co_creation_agreement",
        "fields": ["空気", "空調", "環境", "エネルギー", "人工知能", "ベンチャー"],
        "start_year": 2018,
        "duration_years": 10,
        "amount_per_year_yen": 1_000_000_000,
        "total_amount_yen": 10_000_000_000,
        "amount_note": "2018年12月から10年間、100億円規模。毎年10億円、その半分を東大関連ベンチャーの支援に充てる。",
        "summary": (
            "「空気の価値化」を軸に、未来ビジョンの協創、未来技術の創出、ベンチャー企業との協業の"
            "3つの協創プログラムを行う。クロスアポイントメント制度を活用した人材交流、社員の東大"
            "駐在、学生の海外拠点でのインターンシップなど、組織対組織の人材交流が特徴。"
        ),
        "success_factors": (
            "トップ同士の合意による組織対組織の連携。研究テーマだけでなく人材交流の仕組みを"
            "作り込んだこと (東大の教員が企業とも雇用契約を結ぶモデルを含む)。合宿形式での"
            "プロジェクト立案。ベンチャー支援を資金の半分に組み込んだ。"
        ),
        "sources": [
            {
                "title": "産経新聞「東大に100億円提供 ダイキンが仕掛けるサバイバル産学連携」(2019年1月21日)",
                "url": "https://www.sankei.com/west/news/190121/wst1901210001-n1.html",
            },
            {
                "title": "ニュースイッチ「東大・ダイキン『10年連携』後半戦」",
                "url": "https://newswitch.jp/p/41751",
            },
            {
                "title": "ダイキン東大ラボ「ご挨拶」",
                "url": "https://daikin-utokyo-lab.jp/greetings",
            },
        ],
    },
    {
        "slug": "utokyo-softbank-beyond-ai",
        "title": "東京大学 × ソフトバンク Beyond AI 研究推進機構",
        "title_en": "University of Tokyo × SoftBank: Beyond AI Research Promotion Organization",
        "academic_party": "東京大学",
        "company_party": "ソフトバンク株式会社、ソフトバンクグループ株式会社、ヤフー株式会社",
        "scheme": "joint_research_program",
        "fields": ["人工知能", "脳科学", "デバイス", "医療・ヘルスケア", "スマートシティ", "MaaS"],
        "start_year": 2020,
        "duration_years": 10,
        "amount_per_year_yen": None,
        "total_amount_yen": 20_000_000_000,
        "amount_note": "10年間で最大200億円 (上限額)。2019年12月に協定、2020年7月30日に共同研究を開始。",
        "summary": (
            "最先端のAI研究を行う中長期研究と、その成果の事業化を目指すハイサイクル研究の二本立て。"
            "10年間で10件の事業化と3件の新学術分野の創造を数値目標とし、ソフトバンクの50人規模の"
            "事業化推進チームが初期段階から研究を支える。CIP制度を使ったジョイントベンチャーで"
            "事業化し、得たリターンを研究と人材育成に再投資する。"
        ),
        "success_factors": (
            "具体的な数値目標 (事業化10件、新学術分野3件)。事業化を担う専任チームを企業側に"
            "置いたこと。事業化益を研究に戻すエコシステムの設計。"
        ),
        "sources": [
            {
                "title": "ソフトバンク プレスリリース「東京大学とソフトバンクによる『Beyond AI 研究推進機構』、本格始動」(2020年8月6日)",
                "url": "https://www.softbank.jp/corp/news/press/sbkk/2020/20200806_01/",
            },
            {
                "title": "TechCrunch Japan「東大とソフトバンクが共同で本郷と竹芝にAI研究所を開設」(2019年12月6日)",
                "url": "https://jp.techcrunch.com/2019/12/06/beyond-ai/",
            },
        ],
    },
    {
        "slug": "kyoto-daikin",
        "title": "京都大学 × ダイキン工業 包括連携 (協創プログラムの再構築)",
        "title_en": "Kyoto University × Daikin Industries comprehensive partnership",
        "academic_party": "京都大学",
        "company_party": "ダイキン工業株式会社",
        "scheme": "comprehensive_agreement",
        "fields": ["ヘルスケア", "環境", "エネルギー", "空気", "空調", "コホート研究"],
        "start_year": 2021,
        "duration_years": 10,
        "amount_per_year_yen": None,
        "total_amount_yen": 5_000_000_000,
        "amount_note": "2021年4月1日から10年間で総額50億円をめどに投資額を設定。",
        "summary": (
            "2013年に締結した組織対応型包括連携協定のテーマを見直し、工学中心から医学、農学、"
            "地域研究まで広げた5つの協創プログラムに再構築。ヘルスケア領域では「ながはま0次"
            "コホート事業」の基盤を使い、空気・空間と健康情報の関係を分析する。"
        ),
        "success_factors": (
            "2013年からの組織対応型連携で築いた信頼関係の上に、大学側から新しいテーマを提案した"
            "こと。文系を含む全学の研究者を対象に、学部横断でテーマを探す仕組み。"
        ),
        "sources": [
            {
                "title": "京都大学「ダイキン工業株式会社との包括連携の実施についての記者発表を行いました」(2021年3月29日)",
                "url": "https://www.kyoto-u.ac.jp/ja/news/2021-04-02",
            },
            {
                "title": "日本経済新聞「ダイキンと京大が協業 10年で50億円、医工連携など」",
                "url": "https://www.nikkei.com/article/DGXZQOHD293A90Z20C21A3000000/",
            },
        ],
    },
]


def load(apps, schema_editor):
    PartnershipCase = apps.get_model("cases", "PartnershipCase")
    for row in CASES:
        data = dict(row)
        PartnershipCase.objects.update_or_create(slug=data.pop("slug"), defaults=data)


def unload(apps, schema_editor):
    PartnershipCase = apps.get_model("cases", "PartnershipCase")
    PartnershipCase.objects.filter(slug__in=[row["slug"] for row in CASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_kpi_indicators")]

    operations = [migrations.RunPython(load, unload)]
