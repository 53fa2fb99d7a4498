"""Real-looking seed and need texts in Japanese and English for the embedding-throughput figure.

Lengths and vocabulary follow the catalog's seeds and needs (a title, a few sentences and
keywords), so texts/s reflects what the embedder sees in production.
"""

from __future__ import annotations

import itertools

_SEEDS_JA = [
    (
        "全固体リチウムイオン電池用硫化物固体電解質の高イオン伝導化",
        "硫化物系固体電解質の組成と焼結条件を最適化し、室温で10 mS/cm級のイオン伝導度を実現した。"
        "大気安定性を高める表面被覆技術も併せて開発しており、量産プロセスへの展開を目指す。",
    ),
    (
        "深層学習による農作物病害の早期画像診断",
        "スマートフォンで撮影した葉の画像から、トマトやキュウリの主要病害を発症初期に判定する"
        "モデルを構築した。圃場での検証で正解率92%を達成し、農協と実証試験を進めている。",
    ),
    (
        "高齢者の転倒リスクを予測するウェアラブル歩行解析",
        "腰部に装着した慣性センサで歩行周期のばらつきを計測し、6か月以内の転倒リスクを推定する。"
        "介護施設での前向き研究により、従来の評価尺度より高い予測精度を確認した。",
    ),
    (
        "間伐材由来セルロースナノファイバーの樹脂複合材料",
        "地域の間伐材から低コストでセルロースナノファイバーを製造し、ポリプロピレンに分散させて"
        "自動車内装部品向けの軽量高剛性材料を開発した。",
    ),
    (
        "橋梁コンクリートのひび割れをドローン画像で自動検出",
        "ドローンで撮影した橋梁床版の画像から0.2 mm幅のひび割れを検出し、点検調書を自動作成する。"
        "自治体の点検業務の省力化に向けて実証を行っている。",
    ),
    (
        "海洋微生物由来の新規抗菌ペプチド",
        "沖縄近海の海洋細菌から薬剤耐性菌に有効な抗菌ペプチドを単離し、構造を決定した。"
        "化粧品防腐剤や動物用医薬品への応用を検討している。",
    ),
    (
        "工場排熱を回収する熱電変換モジュール",
        "200℃以下の低温排熱から発電できる有機無機ハイブリッド熱電材料を開発し、"
        "モジュール化して発電効率を評価した。",
    ),
    (
        "日本語医療文書からの副作用情報抽出",
        "電子カルテの自由記述から薬剤と有害事象の関係を抽出する言語処理技術。"
        "病院情報部門と共同で匿名化データによる評価を行った。",
    ),
]

_SEEDS_EN = [
    (
        "Perovskite tandem solar cells with long-term stability",
        "We developed a passivation layer that keeps perovskite/silicon tandem cells above 90% of "
        "their initial efficiency after 1,000 hours of damp-heat testing.",
    ),
    (
        "Graph neural networks for supply-chain risk forecasting",
        "A model that learns from supplier networks and shipping records to forecast delivery "
        "disruptions two to four weeks ahead, validated with a manufacturing partner.",
    ),
    (
        "Low-cost microfluidic test for waterborne pathogens",
        "A paper-based microfluidic chip detects E. coli and Legionella in water samples within "
        "30 minutes without laboratory equipment.",
    ),
    (
        "Soft robotic gripper for handling fresh food",
        "Pneumatic soft fingers with tactile sensing pick and pack irregular, fragile items such as "
        "tomatoes and bread at line speed.",
    ),
    (
        "Hydrogen embrittlement-resistant steel for pipelines",
        "Microstructure design that reduces hydrogen uptake in high-strength pipeline steel, "
        "tested under 70 MPa hydrogen gas.",
    ),
    (
        "Speech recognition for elderly Japanese speakers",
        "Acoustic models adapted to the speech of people over 75, reducing word error rate by a "
        "third for voice interfaces in care settings.",
    ),
    (
        "Biodegradable packaging from seaweed polysaccharides",
        "Films made from alginate and agar blends with moisture barriers comparable to "
        "polyethylene, compostable within eight weeks.",
    ),
    (
        "Digital twin of urban traffic signals",
        "Real-time simulation of intersections from camera counts to optimise signal timing and "
        "cut average waiting time by 15%.",
    ),
]

_NEEDS = [
    "電気自動車向けに安全性の高い次世代電池材料の共同研究先を探しています。",
    "食品工場の検品工程を自動化したい。画像認識の技術を持つ研究室を希望。",
    "介護現場の見守り負担を減らすセンサ技術のライセンスを検討しています。",
    "We are looking for a university partner to reduce plastic in our food packaging.",
    "Seeking joint research on predictive maintenance of factory equipment using AI.",
    "地方自治体のインフラ点検コストを下げる技術を募集します。予算は年間500万円程度。",
    "Our pharmaceutical company needs new antimicrobial compounds against resistant bacteria.",
    "工場の未利用排熱を電力に変える技術の実証を一緒に進めたい。",
]

_KEYWORDS = [
    "キーワード: 材料, 実証, 量産",
    "Keywords: machine learning, field trial",
    "キーワード: センサ, 医療, 介護",
    "Keywords: sustainability, materials, scale-up",
]


def sample_texts(n: int = 64) -> list[str]:
    """n distinct texts: seeds (title + summary + keywords) and needs, Japanese and English."""
    base = [f"{t}\n{s}" for t, s in _SEEDS_JA + _SEEDS_EN] + list(_NEEDS)
    texts = []
    for i, (text, keywords) in enumerate(itertools.product(base, _KEYWORDS)):
        if len(texts) >= n:
            break
        texts.append(f"{text}\n{keywords}" if i % 2 else text + f"（{keywords}）")
    while len(texts) < n:
        texts.append(f"{base[len(texts) % len(base)]} #{len(texts)}")
    return texts
