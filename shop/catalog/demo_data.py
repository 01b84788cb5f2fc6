"""The demo catalog: two partner regions, their farms and products, in Chinese and English.

The regions and the specialties are real (延边大米, 普安红茶 and the other 地理标志 products carry
that mark in life); the farms, villages' households and prices are invented for the demo and do
not describe any real company.  ``shop.catalog.demo`` loads this data; nothing else should read it.

A variant is ``(sku, label_zh, label_en, weight_g, price_fen, stock)``; money is integer fen.
SKUs are the natural keys the loader upserts by, so never reuse or renumber one.
"""
from __future__ import annotations

REGIONS = [
    {
        "slug": "yanbian",
        "name_zh": "延边朝鲜族自治州",
        "name_en": "Yanbian Korean Autonomous Prefecture",
        "province_zh": "吉林省",
        "province_en": "Jilin Province",
        "tagline_zh": "长白山下，图们江畔，朝鲜族的米香与山珍",
        "tagline_en": "Below Changbai Mountain, along the Tumen River: Korean-Chinese rice and mountain treasures",
        "story_zh": (
            "延边位于吉林省东部、长白山北麓，东与俄罗斯接壤，南隔图们江与朝鲜相望，是我国朝鲜族人口最集中的地方。"
            "这里冬长夏短，昼夜温差大，森林覆盖率高，海兰江、布尔哈通河冲积出肥沃的稻田。"
            "山林里出松茸、黑木耳和人参，椴树花开时蜂农追花酿蜜，秋天龙井的苹果梨挂满枝头；"
            "家家户户腌辣白菜、做打糕和冷面，把朝鲜族的饮食传统留在了日常里。"
            "作为宁波的对口合作地区，延边的农户和合作社通过丰收桥把山里的好东西直接送到城市餐桌。"
        ),
        "story_en": (
            "Yanbian lies in eastern Jilin on the northern slopes of Changbai Mountain, bordering Russia to the "
            "east and facing North Korea across the Tumen River. It is home to China's largest Korean-Chinese "
            "community. Long winters, short warm summers and wide day-night temperature swings shape its food: "
            "rice from the river plains of the Hailan and Burhatong, matsutake, black fungus and ginseng from the "
            "forests, linden honey gathered when the lime trees bloom, and the crisp apple-pears of Longjing. "
            "Households still make kimchi, rice cakes and cold noodles the Korean way. As Ningbo's partner region, "
            "Yanbian's households and co-operatives use Harvest Bridge to sell straight to city kitchens."
        ),
        "partner_city_zh": "宁波",
        "partner_city_en": "Ningbo",
        "position": 1,
    },
    {
        "slug": "qianxinan",
        "name_zh": "黔西南布依族苗族自治州",
        "name_en": "Qianxinan Buyei and Miao Autonomous Prefecture",
        "province_zh": "贵州省",
        "province_en": "Guizhou Province",
        "tagline_zh": "万峰成林，布依苗乡的高山茶与山野味",
        "tagline_en": "A forest of ten thousand peaks: mountain teas and wild flavours from Buyi and Miao villages",
        "story_zh": (
            "黔西南地处贵州西南部，滇、黔、桂三省交界，南北盘江穿流其间，州府兴义以万峰林喀斯特峰丛闻名。"
            "这里是布依族、苗族等民族世代聚居的地方，山高雾多、雨热同季，适合茶树与油茶生长。"
            "普安、晴隆的高山茶园出产红茶与绿茶，兴仁的薏仁米、册亨与贞丰的山茶油、顶坛花椒、"
            "漫山的刺梨和金银花都是这片石山里的宝贝；布依人家在三月三蒸五色糯米饭，腌一坛酸笋。"
            "作为宁波的东西部协作伙伴，黔西南的合作社与农户在丰收桥上把山里的出产卖到全国。"
        ),
        "story_en": (
            "Qianxinan sits in south-western Guizhou where Yunnan, Guizhou and Guangxi meet, cut by the Beipan and "
            "Nanpan rivers; its capital Xingyi is known for the karst peak forest of Wanfenglin. Buyi (Buyei) and "
            "Miao communities have farmed these misty mountains for generations. Tea gardens in Pu'an and "
            "Qinglong make black and green teas, Xingren grows coix seed, Ceheng and Zhenfeng press camellia oil "
            "and grow Dingtan Sichuan pepper, and roxburgh rose and honeysuckle cover the hillsides. Buyi families "
            "steam five-colour sticky rice for the Third of the Third Month festival and keep a crock of sour "
            "bamboo shoots. As Ningbo's east-west cooperation partner, Qianxinan's co-operatives and households "
            "sell across the country through Harvest Bridge."
        ),
        "partner_city_zh": "宁波",
        "partner_city_en": "Ningbo",
        "position": 2,
    },
]

# slug, name_zh, name_en (the order is the display order)
CATEGORIES = [
    ("mushrooms-fungi", "菌菇", "Mushrooms & Fungi"),
    ("grain-rice", "米面杂粮", "Rice & Grains"),
    ("tea", "茶叶", "Tea"),
    ("honey", "蜂蜜", "Honey"),
    ("oil", "食用油", "Cooking Oil"),
    ("fruit", "水果", "Fruit"),
    ("herbs-tonics", "滋补养生", "Herbs & Tonics"),
    ("preserved", "腌制食品", "Kimchi & Preserves"),
    ("dried-goods", "山货干货", "Dried Goods"),
    ("drinks", "饮品", "Drinks"),
]

FARMS = [
    # ------------------------------------------------------------------ Yanbian
    {
        "region": "yanbian",
        "name_zh": "安图县长白松茸专业合作社",
        "name_en": "Antu Changbai Matsutake Co-operative",
        "county_zh": "安图县", "county_en": "Antu County",
        "village_zh": "二道白河镇红丰村", "village_en": "Hongfeng Village, Erdaobaihe Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "三十多户山民组成的合作社，在长白山北坡的松林里采松茸、捡榛蘑、打松子。"
                    "清晨进山，午前过秤分级，当天冷链发出，保证松茸离山不过夜。",
        "story_en": "Thirty-odd mountain families who pick matsutake, hazel mushrooms and pine nuts in the pine "
                    "forests of Changbai's northern slope. They walk in at dawn, grade before noon and ship "
                    "the same day in the cold chain, so no matsutake spends a night off the mountain.",
        "products": [
            {
                "name_zh": "长白山鲜松茸", "name_en": "Fresh Changbai Matsutake",
                "category": "mushrooms-fungi", "storage": "chilled", "featured": True,
                "certifications": ["organic"],
                "season_zh": "8月中旬至9月底", "season_en": "mid-August to late September",
                "description_zh": "野生松茸，菌盖未开、菌柄粗壮，带着松林的清香。采下当天分级，冰袋冷链发货，"
                                  "收到后尽快食用：切片刺身、黄油煎或炖鸡汤都好。",
                "description_en": "Wild matsutake picked with closed caps and thick stems, smelling of the pine forest. "
                                  "Graded the day they are picked and shipped on ice; eat soon after arrival, raw in "
                                  "thin slices, seared in butter or simmered in chicken soup.",
                "variants": [
                    ("YB-SR-500T", "500g 特级（6-8cm）", "500 g Premium (6-8 cm)", 500, 59800, 0),
                    ("YB-SR-500", "500g 一级（4-6cm）", "500 g Grade 1 (4-6 cm)", 500, 39800, 12),
                ],
            },
            {
                "name_zh": "速冻松茸", "name_en": "Frozen Matsutake",
                "category": "mushrooms-fungi", "storage": "frozen",
                "certifications": [],
                "season_zh": "秋季采收，全年供应", "season_en": "picked in autumn, sold all year",
                "description_zh": "采收当天清理后零下35度速冻，锁住香气，解冻后直接煎炒或入汤。",
                "description_en": "Cleaned on the day of picking and blast-frozen at -35 °C to keep the aroma; "
                                  "cook straight from frozen in soups or stir-fries.",
                "variants": [
                    ("YB-SRF-500", "500g 袋装", "500 g bag", 500, 26800, 30),
                    ("YB-SRF-1000", "1kg 袋装", "1 kg bag", 1000, 49800, 15),
                ],
            },
            {
                "name_zh": "松茸干片", "name_en": "Dried Matsutake Slices",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": [],
                "season_zh": "秋季采收晾晒", "season_en": "picked and dried in autumn",
                "description_zh": "鲜松茸切片低温烘干，泡发后香气浓郁，适合煲汤、焖饭。",
                "description_en": "Fresh matsutake sliced and dried at low heat. Soak before use; wonderful in soups "
                                  "and rice cooked in the pot.",
                "variants": [
                    ("YB-SRG-50", "50g 罐装", "50 g jar", 50, 12800, 40),
                    ("YB-SRG-100", "100g 罐装", "100 g jar", 100, 23800, 25),
                ],
            },
            {
                "name_zh": "长白山榛蘑", "name_en": "Changbai Hazel Mushrooms",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月", "season_en": "September",
                "description_zh": "东北人说的“小鸡炖蘑菇”用的就是榛蘑。野生采摘、自然晾干，炖菜入味。",
                "description_en": "The mushroom of the north-east's classic chicken and mushroom stew. Wild-picked and "
                                  "air-dried; it soaks up the braise.",
                "variants": [
                    ("YB-ZM-250", "250g 袋装", "250 g bag", 250, 5800, 60),
                ],
            },
            {
                "name_zh": "长白山手剥松子", "name_en": "Hand-cracked Changbai Pine Nuts",
                "category": "dried-goods", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "红松塔里打下的松子，开口烘烤，果仁饱满油润，手一掰就开。",
                "description_en": "Korean-pine nuts knocked from the cones, opened and roasted: plump, oily kernels "
                                  "that crack open between your fingers.",
                "variants": [
                    ("YB-SZ-500", "500g 袋装", "500 g bag", 500, 8900, 50),
                    ("YB-SZ-1000", "1kg 礼盒", "1 kg gift box", 1000, 16800, 20),
                ],
            },
            {
                "name_zh": "猴头菇干", "name_en": "Dried Lion's Mane Mushroom",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": ["green"],
                "season_zh": "秋季", "season_en": "autumn",
                "description_zh": "林下椴木培育的猴头菇，个大色白，泡发后炖汤口感像肉。",
                "description_en": "Lion's mane grown on logs under the forest canopy; large and pale, meaty in a slow soup.",
                "variants": [
                    ("YB-HT-250", "250g 袋装", "250 g bag", 250, 6900, 35),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "敦化雁鸣湖木耳种植场",
        "name_en": "Dunhua Yanming Lake Black Fungus Farm",
        "county_zh": "敦化市", "county_en": "Dunhua City",
        "village_zh": "雁鸣湖镇腰甸村", "village_en": "Yaodian Village, Yanminghu Town",
        "kind": "enterprise",
        "verified": True,
        "story_zh": "以椴木和袋料两种方式种植黑木耳，只收春秋两季的木耳，全程晾晒，不用硫磺、不加明矾。"
                    "场里雇用周边村民采耳、分拣，每年带动上百户增收。",
        "story_en": "Grows black fungus on linden logs and in substrate bags, harvesting only the spring and autumn "
                    "flushes. Everything is sun-dried, with no sulphur and no alum; villagers nearby are hired for "
                    "picking and sorting.",
        "products": [
            {
                "name_zh": "敦化秋木耳", "name_en": "Dunhua Autumn Black Fungus",
                "category": "mushrooms-fungi", "storage": "ambient", "featured": True,
                "certifications": ["green"],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "秋季采收的黑木耳，肉厚、背灰面黑，一斤干耳能泡发十斤以上，凉拌爽脆。",
                "description_en": "Autumn-harvested black fungus: thick, grey-backed and glossy black. One part dried "
                                  "swells to over ten parts soaked; crisp in a cold dressed salad.",
                "variants": [
                    ("YB-MR-250", "250g 袋装", "250 g bag", 250, 3600, 80),
                    ("YB-MR-500", "500g 袋装", "500 g bag", 500, 6800, 60),
                ],
            },
            {
                "name_zh": "椴木黑木耳", "name_en": "Linden-log Black Fungus",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": ["organic"],
                "season_zh": "6月至9月", "season_en": "June to September",
                "description_zh": "长在椴木段上的木耳，生长慢、胶质足，比袋料耳更有嚼劲。",
                "description_en": "Grown on linden logs: slower to grow, richer in jelly and chewier than bag-grown fungus.",
                "variants": [
                    ("YB-DMR-250", "250g 罐装", "250 g jar", 250, 5800, 30),
                ],
            },
            {
                "name_zh": "小碗耳", "name_en": "Small-cup Black Fungus",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": ["green"],
                "season_zh": "春季", "season_en": "spring",
                "description_zh": "单片小而圆，像一只只小碗，春耳质地更嫩，适合凉拌和清炒。",
                "description_en": "Small, round cups picked in spring, more tender than autumn fungus; best in salads "
                                  "and light stir-fries.",
                "variants": [
                    ("YB-XWR-500", "500g 特级", "500 g Premium", 500, 8800, 25),
                ],
            },
            {
                "name_zh": "长白山元蘑", "name_en": "Changbai Yuanmo Mushrooms",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "长在枯树上的野生元蘑，晒干后香味更浓，适合炖五花肉。",
                "description_en": "Wild late-oyster mushrooms from dead trees, more fragrant once dried; braise with pork belly.",
                "variants": [
                    ("YB-YM-250", "250g 袋装", "250 g bag", 250, 4500, 40),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "汪清朴家木耳园",
        "name_en": "Pak Family Fungus Garden, Wangqing",
        "county_zh": "汪清县", "county_en": "Wangqing County",
        "village_zh": "百草沟镇新华村", "village_en": "Xinhua Village, Baicaogou Town",
        "kind": "household",
        "verified": False,
        "story_zh": "朴大哥一家三口在自家山坡上种了两万袋木耳，春天还上山采蕨菜。资料正在审核中。",
        "story_en": "The Pak family of three grow twenty thousand bags of black fungus on their own hillside and "
                    "pick wild bracken in spring. Their profile is still being verified.",
        "products": [
            {
                "name_zh": "汪清黑木耳", "name_en": "Wangqing Black Fungus",
                "category": "mushrooms-fungi", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "5月至10月", "season_en": "May to October",
                "description_zh": "汪清黑木耳是国家地理标志产品。朴家的木耳自然晾晒，朵形完整、杂质少。",
                "description_en": "Wangqing black fungus is a protected geographical indication. The Paks sun-dry "
                                  "theirs; whole pieces, clean and free of grit.",
                "variants": [
                    ("YB-WQR-500", "500g 袋装", "500 g bag", 500, 5900, 45),
                ],
            },
            {
                "name_zh": "山野蕨菜干", "name_en": "Dried Wild Bracken",
                "category": "dried-goods", "storage": "ambient",
                "certifications": [],
                "season_zh": "5月", "season_en": "May",
                "description_zh": "春天山上的嫩蕨菜，焯水后晒干，泡发后炒肉或做朝鲜族拌菜。",
                "description_en": "Young bracken fronds from the spring hills, blanched and sun-dried. Soak, then "
                                  "stir-fry with pork or dress Korean-style.",
                "variants": [
                    ("YB-JC-250", "250g 袋装", "250 g bag", 250, 3200, 0),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "龙井金秋苹果梨果园",
        "name_en": "Golden Autumn Apple-Pear Orchard, Longjing",
        "county_zh": "龙井市", "county_en": "Longjing City",
        "village_zh": "老头沟镇长仁村", "village_en": "Changren Village, Laotougou Town",
        "kind": "household",
        "verified": True,
        "story_zh": "崔家在老头沟种苹果梨已经三代，果园里还有几十棵六十多岁的老树。"
                    "苹果梨是延边独有的品种，外形像苹果，口感像梨，耐储存，能从秋天吃到来年春天。",
        "story_en": "The Choi family have grown apple-pears at Laotougou for three generations, and a few dozen "
                    "trees in the orchard are over sixty years old. The apple-pear is Yanbian's own variety: "
                    "shaped like an apple, juicy like a pear, and it keeps from autumn until spring.",
        "products": [
            {
                "name_zh": "延边苹果梨", "name_en": "Yanbian Apple-Pears",
                "category": "fruit", "storage": "ambient", "featured": True,
                "certifications": ["gi"],
                "season_zh": "9月底至10月采收，可储存到次年4月", "season_en": "picked late September to October, keeps until April",
                "description_zh": "皮薄肉脆，汁多酸甜。放在阴凉处能存放数月，冬天冻成冻梨也是东北吃法。",
                "description_en": "Thin skin, crisp flesh, sweet-tart juice. Keeps for months somewhere cool; in winter "
                                  "the north-east also eats them frozen.",
                "variants": [
                    ("YB-PGL-5K", "5kg 家庭装", "5 kg family box", 5000, 5990, 70),
                    ("YB-PGL-10K", "10kg 整箱", "10 kg case", 10000, 10900, 30),
                ],
            },
            {
                "name_zh": "苹果梨精品礼盒", "name_en": "Apple-Pear Gift Box",
                "category": "fruit", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "10月至次年2月", "season_en": "October to February",
                "description_zh": "挑选单果300克以上的大果，每个套网袋，12个装礼盒。",
                "description_en": "Twelve large apple-pears over 300 g each, individually netted in a gift box.",
                "variants": [
                    ("YB-PGL-GB12", "12个装 约4kg", "12 pieces, about 4 kg", 4000, 8800, 18),
                ],
            },
            {
                "name_zh": "苹果梨干", "name_en": "Dried Apple-Pear Slices",
                "category": "dried-goods", "storage": "ambient",
                "certifications": [],
                "season_zh": "冬季制作", "season_en": "made in winter",
                "description_zh": "苹果梨切片低温烘干，不加糖，酸甜有嚼劲。",
                "description_en": "Apple-pear slices dried at low heat with no added sugar: tangy and chewy.",
                "variants": [
                    ("YB-PGLG-200", "200g 袋装", "200 g bag", 200, 2980, 55),
                ],
            },
            {
                "name_zh": "苹果梨汁", "name_en": "Apple-Pear Juice",
                "category": "drinks", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年供应", "season_en": "all year",
                "description_zh": "鲜榨苹果梨汁，非浓缩还原，瓶装杀菌后常温保存。",
                "description_en": "Pressed apple-pear juice, not from concentrate, pasteurised in bottles to keep at room temperature.",
                "variants": [
                    ("YB-PGLZ-300X12", "300ml×12瓶", "12 × 300 ml bottles", 3900, 7900, 40),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "延吉金顺姬家庭泡菜坊",
        "name_en": "Kim Sun-hee's Family Kimchi Kitchen, Yanji",
        "county_zh": "延吉市", "county_en": "Yanji City",
        "village_zh": "依兰镇春兴村", "village_en": "Chunxing Village, Yilan Town",
        "kind": "household",
        "verified": True,
        "story_zh": "金阿妈腌了四十年辣白菜，用自家种的大白菜和辣椒，苹果梨和鱼露调味，按老方法在缸里发酵。"
                    "女儿负责打包和发货，周边邻居都来帮忙。",
        "story_en": "Grandma Kim has made kimchi for forty years with her own napa cabbage and chillies, seasoned "
                    "with apple-pear and fish sauce and fermented in crocks the old way. Her daughter packs and "
                    "ships, and the neighbours lend a hand.",
        "products": [
            {
                "name_zh": "延边辣白菜", "name_en": "Yanbian Napa Cabbage Kimchi",
                "category": "preserved", "storage": "chilled", "featured": True,
                "certifications": [],
                "season_zh": "每周新腌", "season_en": "made fresh every week",
                "description_zh": "朝鲜族家庭做法的辣白菜，辣中带甜，发酵约七天出货，冷藏保存风味更稳定。",
                "description_en": "Korean-Chinese family-style kimchi, spicy with a touch of sweetness, shipped after "
                                  "about a week's fermentation. Keep it in the fridge.",
                "variants": [
                    ("YB-LBC-1K", "1kg 罐装", "1 kg tub", 1000, 3900, 50),
                    ("YB-LBC-2500", "2.5kg 家庭装", "2.5 kg family tub", 2500, 8900, 20),
                ],
            },
            {
                "name_zh": "朝鲜族桔梗咸菜", "name_en": "Spicy Bellflower Root (Doraji)",
                "category": "preserved", "storage": "chilled",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "手撕桔梗拌辣椒面、芝麻和糖醋，酸辣爽脆，是延边饭桌上的常见小菜。",
                "description_en": "Hand-torn bellflower root in chilli, sesame and sweet vinegar: a crunchy everyday side "
                                  "dish on Yanbian tables.",
                "variants": [
                    ("YB-JG-500", "500g 罐装", "500 g tub", 500, 3200, 30),
                ],
            },
            {
                "name_zh": "萝卜块泡菜", "name_en": "Cubed Radish Kimchi",
                "category": "preserved", "storage": "chilled",
                "certifications": [],
                "season_zh": "秋冬", "season_en": "autumn and winter",
                "description_zh": "秋萝卜切块腌制，脆甜多汁，配汤饭、冷面都合适。",
                "description_en": "Autumn radish in cubes, crunchy and juicy; good with soup and rice or cold noodles.",
                "variants": [
                    ("YB-LBK-1K", "1kg 罐装", "1 kg tub", 1000, 3500, 0),
                ],
            },
            {
                "name_zh": "朝鲜族辣椒酱", "name_en": "Korean-style Chilli Paste",
                "category": "preserved", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "糯米、黄豆酱和辣椒面发酵而成，拌饭、蘸菜、做辣炒年糕都离不开它。",
                "description_en": "Fermented from glutinous rice, soybean paste and chilli powder; for bibimbap, dipping "
                                  "and spicy rice cakes.",
                "variants": [
                    ("YB-LJJ-500", "500g 罐装", "500 g jar", 500, 2800, 60),
                ],
            },
            {
                "name_zh": "手工打糕", "name_en": "Hand-pounded Rice Cake (Injeolmi)",
                "category": "grain-rice", "storage": "frozen",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "蒸熟的糯米在木槽里反复捶打，裹上黄豆粉，速冻保存，解冻后即可食用。",
                "description_en": "Steamed glutinous rice pounded in a wooden trough and rolled in roasted soybean "
                                  "flour; frozen, ready to eat once thawed.",
                "variants": [
                    ("YB-DG-1K", "1kg 袋装", "1 kg bag", 1000, 4500, 25),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "龙井海兰江稻米专业合作社",
        "name_en": "Longjing Hailan River Rice Co-operative",
        "county_zh": "龙井市", "county_en": "Longjing City",
        "village_zh": "东盛涌镇仁化村", "village_en": "Renhua Village, Dongshengyong Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "海兰江畔的平岗稻田有上百年种稻历史。合作社统一育秧、统一收购，"
                    "一部分田块用稻田养鸭的方法不打农药，当年收获当年加工。",
        "story_en": "The Pinggang paddies along the Hailan River have grown rice for over a century. The "
                    "co-operative raises seedlings and buys the harvest together; some fields are farmed with "
                    "ducks instead of pesticides, and each year's rice is milled the same year.",
        "products": [
            {
                "name_zh": "延边大米", "name_en": "Yanbian Rice",
                "category": "grain-rice", "storage": "ambient", "featured": True,
                "certifications": ["gi", "green"],
                "season_zh": "10月收获", "season_en": "harvested in October",
                "description_zh": "一年一季的粳米，生长期长，米粒饱满透亮，煮饭油润有嚼劲，凉了也不回生。",
                "description_en": "Single-crop japonica rice with a long growing season: plump, translucent grains that "
                                  "cook glossy and springy and stay soft when cool.",
                "variants": [
                    ("YB-DM-5K", "5kg 袋装", "5 kg bag", 5000, 7900, 100),
                    ("YB-DM-10K", "10kg 袋装", "10 kg bag", 10000, 14900, 60),
                ],
            },
            {
                "name_zh": "稻田鸭有机大米", "name_en": "Rice-Duck Organic Rice",
                "category": "grain-rice", "storage": "ambient",
                "certifications": ["gi", "organic"],
                "season_zh": "10月收获", "season_en": "harvested in October",
                "description_zh": "稻田里放养鸭子除草捉虫，不施农药化肥，产量低，米香更足。",
                "description_en": "Ducks weed the paddies and eat the pests, so no pesticides or chemical fertiliser are "
                                  "used; lower yields, more fragrant rice.",
                "variants": [
                    ("YB-YDM-5K", "5kg 真空装", "5 kg vacuum pack", 5000, 12800, 40),
                ],
            },
            {
                "name_zh": "延边糯米", "name_en": "Yanbian Glutinous Rice",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "10月收获", "season_en": "harvested in October",
                "description_zh": "做打糕、米酒和粽子的好材料，黏糯香甜。",
                "description_en": "Sticky and sweet, for rice cakes, rice wine and zongzi.",
                "variants": [
                    ("YB-NM-2500", "2.5kg 袋装", "2.5 kg bag", 2500, 4200, 50),
                ],
            },
            {
                "name_zh": "延吉冷面", "name_en": "Yanji Cold Noodles",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "荞麦面和淀粉压制的冷面，附酸甜汤料包，煮好过冷水，加辣白菜和苹果梨片。",
                "description_en": "Buckwheat and starch noodles with sweet-and-sour broth sachets. Boil, rinse in cold "
                                  "water and top with kimchi and apple-pear slices.",
                "variants": [
                    ("YB-LM-5P", "5人份（含汤料）", "5 servings with broth", 1500, 4900, 80),
                    ("YB-LM-10P", "10人份（含汤料）", "10 servings with broth", 3000, 8900, 35),
                ],
            },
            {
                "name_zh": "胚芽米", "name_en": "Germ-retained Rice",
                "category": "grain-rice", "storage": "ambient",
                "certifications": ["green"],
                "season_zh": "10月收获", "season_en": "harvested in October",
                "description_zh": "低精度碾米，保留米胚，适合给老人孩子煮粥。",
                "description_en": "Lightly milled to keep the germ; a good congee rice for children and grandparents.",
                "variants": [
                    ("YB-PYM-2500", "2.5kg 真空装", "2.5 kg vacuum pack", 2500, 5200, 30),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "安图松江人参种植合作社",
        "name_en": "Songjiang Ginseng Growers' Co-operative, Antu",
        "county_zh": "安图县", "county_en": "Antu County",
        "village_zh": "松江镇松江村", "village_en": "Songjiang Village, Songjiang Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "社员们在林下播种人参，让它在山林里自然生长十年以上才采挖，园参则在参棚里种植五六年。"
                    "每一支林下参都有编号和采挖记录。",
        "story_en": "Members sow ginseng under the forest canopy and leave it to grow wild for ten years or more "
                    "before digging; garden ginseng grows five or six years under shade sheds. Every forest root "
                    "carries a number and a digging record.",
        "products": [
            {
                "name_zh": "长白山林下参", "name_en": "Changbai Forest-grown Ginseng",
                "category": "herbs-tonics", "storage": "ambient", "featured": True,
                "certifications": ["organic"],
                "season_zh": "9月采挖", "season_en": "dug in September",
                "description_zh": "林下自然生长15年左右，芦头长、须根清晰，晾干后单支礼盒装，附采挖编号。",
                "description_en": "About fifteen years growing wild under the trees, with a long neck and clear fine roots; "
                                  "dried and boxed singly with its digging number.",
                "variants": [
                    ("YB-LXS-1", "单支装（15年）", "single root (15 years)", 20, 39800, 10),
                    ("YB-LXS-3", "3支礼盒", "gift box of 3 roots", 60, 108000, 4),
                ],
            },
            {
                "name_zh": "鲜人参", "name_en": "Fresh Garden Ginseng",
                "category": "herbs-tonics", "storage": "chilled",
                "certifications": ["green"],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "五年生园参，带泥鲜挖，冷藏发货，可炖鸡、泡酒或切片蜜渍。",
                "description_en": "Five-year garden ginseng dug with the soil on and shipped chilled; simmer with chicken, "
                                  "steep in spirit or slice and preserve in honey.",
                "variants": [
                    ("YB-XRS-500", "500g（约8-10支）", "500 g (8-10 roots)", 500, 12800, 20),
                ],
            },
            {
                "name_zh": "人参切片", "name_en": "Sliced Dried Ginseng",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "园参洗净蒸制后切薄片烘干，每次三五片泡水或含服。",
                "description_en": "Garden ginseng washed, steamed, thinly sliced and dried; steep three to five slices in hot water.",
                "variants": [
                    ("YB-RSP-50", "50g 罐装", "50 g jar", 50, 9800, 45),
                ],
            },
            {
                "name_zh": "长白山红参", "name_en": "Changbai Red Ginseng",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "六年生人参经蒸制、晾晒成红参，颜色红亮，质地坚实。",
                "description_en": "Six-year ginseng steamed and dried into red ginseng: glossy red and firm.",
                "variants": [
                    ("YB-HS-100", "100g 盒装", "100 g box", 100, 26800, 12),
                ],
            },
            {
                "name_zh": "人参蜜片", "name_en": "Honeyed Ginseng Slices",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "鲜人参切片用椴树蜜浸渍，甘中带苦，可直接嚼食。",
                "description_en": "Fresh ginseng slices steeped in linden honey, sweet with a bitter edge; chew as they are.",
                "variants": [
                    ("YB-RSMP-200", "200g 罐装", "200 g jar", 200, 8800, 30),
                ],
            },
            {
                "name_zh": "长白山北五味子", "name_en": "Changbai Schisandra Berries",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "藤上成串的五味子，晒干后酸甜苦辣咸五味俱全，多用于泡水泡酒。",
                "description_en": "Clusters of schisandra from the vines, dried; sour, sweet, bitter, pungent and salty "
                                  "at once. Usually steeped in water or spirit.",
                "variants": [
                    ("YB-WWZ-250", "250g 袋装", "250 g bag", 250, 4500, 40),
                ],
            },
        ],
    },
    {
        "region": "yanbian",
        "name_zh": "汪清老林子蜂场",
        "name_en": "Old Forest Apiary, Wangqing",
        "county_zh": "汪清县", "county_en": "Wangqing County",
        "village_zh": "罗子沟镇上河村", "village_en": "Shanghe Village, Luozigou Town",
        "kind": "household",
        "verified": True,
        "story_zh": "李师傅养了两百箱中蜂和意蜂，每年七月椴树开花时进山放蜂，只取封盖成熟蜜，不浓缩、不添加。",
        "story_en": "Master Li keeps two hundred hives of Chinese and Italian bees. Each July, when the lindens "
                    "bloom, he moves them into the forest, and takes only capped, ripe honey: never concentrated, "
                    "nothing added.",
        "products": [
            {
                "name_zh": "长白山椴树蜜", "name_en": "Changbai Linden Honey",
                "category": "honey", "storage": "ambient", "featured": True,
                "certifications": ["green"],
                "season_zh": "7月采蜜", "season_en": "gathered in July",
                "description_zh": "椴树花期短，蜜色浅、香气清雅，天冷会自然结晶成洁白细腻的“雪蜜”。",
                "description_en": "Linden flowers bloom briefly; their honey is pale with a delicate scent, and in the "
                                  "cold it sets naturally into fine white 'snow honey'.",
                "variants": [
                    ("YB-FM-500", "500g 瓶装", "500 g jar", 500, 6800, 60),
                    ("YB-FM-1K", "1kg 瓶装", "1 kg jar", 1000, 12800, 25),
                ],
            },
            {
                "name_zh": "椴树雪蜜", "name_en": "Creamed Linden Snow Honey",
                "category": "honey", "storage": "ambient",
                "certifications": ["green"],
                "season_zh": "7月采蜜，冬季结晶", "season_en": "gathered in July, set in winter",
                "description_zh": "自然结晶的椴树蜜，质地如奶油，可直接抹面包。",
                "description_en": "Naturally crystallised linden honey with a buttery texture, for spreading on bread.",
                "variants": [
                    ("YB-XM-500", "500g 瓶装", "500 g jar", 500, 7800, 0),
                ],
            },
            {
                "name_zh": "长白山百花蜜", "name_en": "Changbai Wildflower Honey",
                "category": "honey", "storage": "ambient",
                "certifications": [],
                "season_zh": "6月至8月", "season_en": "June to August",
                "description_zh": "山花烂漫时的百花蜜，颜色琥珀，味道浓郁。",
                "description_en": "Honey from the summer hillside flowers, amber-coloured and full-flavoured.",
                "variants": [
                    ("YB-BHM-500", "500g 瓶装", "500 g jar", 500, 5200, 45),
                ],
            },
            {
                "name_zh": "新鲜蜂王浆", "name_en": "Fresh Royal Jelly",
                "category": "honey", "storage": "frozen",
                "certifications": [],
                "season_zh": "5月至8月", "season_en": "May to August",
                "description_zh": "当天取浆当天冷冻，冷链发货，收到后放冰箱冷冻保存。",
                "description_en": "Collected and frozen on the same day, shipped frozen; keep it in the freezer.",
                "variants": [
                    ("YB-FWJ-250", "250g 瓶装", "250 g jar", 250, 12000, 15),
                ],
            },
        ],
    },
    # ---------------------------------------------------------------- Qianxinan
    {
        "region": "qianxinan",
        "name_zh": "兴仁巴铃薏仁米专业合作社",
        "name_en": "Baling Coix Seed Co-operative, Xingren",
        "county_zh": "兴仁市", "county_en": "Xingren City",
        "village_zh": "巴铃镇大湾村", "village_en": "Dawan Village, Baling Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "兴仁是全国有名的薏仁米产地。合作社带着两百多户布依族、苗族农户在坡地上种小白壳薏仁，"
                    "统一收购、脱壳、色选，让农户不用再把薏仁挑到集市上贱卖。",
        "story_en": "Xingren is China's best-known coix-seed county. The co-operative works with over two hundred "
                    "Buyi and Miao households growing small white-husk coix on the slopes, and buys, hulls and "
                    "sorts the crop together so no one has to carry it to market for a low price.",
        "products": [
            {
                "name_zh": "兴仁薏仁米", "name_en": "Xingren Coix Seed",
                "category": "grain-rice", "storage": "ambient", "featured": True,
                "certifications": ["gi"],
                "season_zh": "9月至10月收获", "season_en": "harvested September to October",
                "description_zh": "粒小饱满、色白如玉，煮粥、煲汤软糯不散，和红豆同煮是经典祛湿吃法。",
                "description_en": "Small, plump grains as white as jade that cook soft without falling apart; simmer "
                                  "with red beans for the classic damp-dispelling congee.",
                "variants": [
                    ("QX-YRM-1K", "1kg 真空装", "1 kg vacuum pack", 1000, 3600, 90),
                    ("QX-YRM-2500", "2.5kg 家庭装", "2.5 kg family pack", 2500, 8500, 40),
                ],
            },
            {
                "name_zh": "炒薏仁", "name_en": "Roasted Coix Seed",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "薏仁米小火炒至微黄，焦香可口，可直接泡水当茶饮。",
                "description_en": "Coix seed roasted golden over a low flame; nutty, and can be steeped as a tea.",
                "variants": [
                    ("QX-CYR-500", "500g 罐装", "500 g jar", 500, 3200, 50),
                ],
            },
            {
                "name_zh": "薏仁米粉", "name_en": "Coix Seed Flour",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "熟薏仁磨成细粉，开水冲调即食，适合早餐。",
                "description_en": "Cooked coix seed milled to a fine powder; stir into hot water for a quick breakfast.",
                "variants": [
                    ("QX-YRF-500", "500g 袋装", "500 g bag", 500, 2900, 0),
                ],
            },
            {
                "name_zh": "红豆薏米组合", "name_en": "Red Bean and Coix Seed Mix",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "兴仁薏仁米配本地赤小豆，按一比一配好，免去称量。",
                "description_en": "Xingren coix seed and local adzuki beans measured one to one, ready for the pot.",
                "variants": [
                    ("QX-HDYM-1K", "1kg 袋装", "1 kg bag", 1000, 3900, 35),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "普安江西坡茶园",
        "name_en": "Jiangxipo Tea Garden, Pu'an",
        "county_zh": "普安县", "county_en": "Pu'an County",
        "village_zh": "江西坡镇细寨村", "village_en": "Xizhai Village, Jiangxipo Town",
        "kind": "enterprise",
        "verified": True,
        "story_zh": "茶园在海拔一千四百米的山上，周围还有野生古茶树。公司与村里茶农签约收鲜叶，"
                    "按标准加工普安红茶，茶农在家门口就有活干。",
        "story_en": "The garden lies at 1,400 metres among wild ancient tea trees. The company buys fresh leaf from "
                    "contracted village growers and processes it into Pu'an black tea, so growers can earn without "
                    "leaving home.",
        "products": [
            {
                "name_zh": "普安红茶", "name_en": "Pu'an Black Tea",
                "category": "tea", "storage": "ambient", "featured": True,
                "certifications": ["gi", "green"],
                "season_zh": "春茶，3月至4月采摘", "season_en": "spring tea, picked March to April",
                "description_zh": "条索紧细、金毫显露，汤色红亮，带蜜香和花果香，耐冲泡。",
                "description_en": "Tight, fine twists with golden tips; a bright red liquor with honey and fruit notes "
                                  "that lasts through many infusions.",
                "variants": [
                    ("QX-PAHC-100", "100g 特级", "100 g Premium", 100, 16800, 40),
                    ("QX-PAHC-250", "250g 一级", "250 g Grade 1", 250, 28800, 30),
                ],
            },
            {
                "name_zh": "普安古树红茶", "name_en": "Pu'an Ancient-tree Black Tea",
                "category": "tea", "storage": "ambient",
                "certifications": ["gi", "organic"],
                "season_zh": "春茶", "season_en": "spring tea",
                "description_zh": "采自百年以上的古茶树，每年产量很少，滋味醇厚，回甘持久。",
                "description_en": "From tea trees over a century old, in very small yearly quantities: mellow, with a "
                                  "long sweet finish.",
                "variants": [
                    ("QX-GSHC-50", "50g 铁罐", "50 g tin", 50, 19800, 8),
                ],
            },
            {
                "name_zh": "普安红茶袋泡茶", "name_en": "Pu'an Black Tea Bags",
                "category": "tea", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "一级普安红茶装入玉米纤维茶包，办公室里也能方便喝一杯。",
                "description_en": "Grade 1 Pu'an black tea in corn-fibre bags, for a proper cup at the office.",
                "variants": [
                    ("QX-PAHC-TB20", "20包×2g", "20 bags × 2 g", 40, 4500, 80),
                ],
            },
            {
                "name_zh": "普安红茶礼盒", "name_en": "Pu'an Black Tea Gift Set",
                "category": "tea", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "春茶", "season_en": "spring tea",
                "description_zh": "两罐特级普安红茶，配布依族蜡染纹样茶巾，适合送礼。",
                "description_en": "Two tins of premium Pu'an black tea with a Buyi batik-pattern tea towel; made for giving.",
                "variants": [
                    ("QX-PAHC-GB2", "100g×2 礼盒", "2 × 100 g gift set", 200, 35800, 12),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "晴隆沙子高山茶农专业合作社",
        "name_en": "Shazi Highland Tea Growers' Co-operative, Qinglong",
        "county_zh": "晴隆县", "county_en": "Qinglong County",
        "village_zh": "沙子镇三宝村", "village_en": "Sanbao Village, Shazi Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "晴隆县在古茶籽化石的发现地附近，种茶历史悠久。合作社的茶园云雾多、发芽早，"
                    "每年二月底就开采明前茶，社员按鲜叶品质分级领钱。",
        "story_en": "Qinglong, near where fossil tea seeds were found, has grown tea for a very long time. The "
                    "co-operative's misty gardens bud early, so pre-Qingming picking starts at the end of February; "
                    "members are paid by the grade of their fresh leaf.",
        "products": [
            {
                "name_zh": "晴隆绿茶（明前）", "name_en": "Qinglong Green Tea, Pre-Qingming",
                "category": "tea", "storage": "ambient", "featured": True,
                "certifications": ["gi", "green"],
                "season_zh": "2月底至4月初采摘", "season_en": "picked late February to early April",
                "description_zh": "清明前的一芽一叶，扁平光滑，栗香高长，汤色嫩绿明亮。",
                "description_en": "One bud and one leaf picked before Qingming: flat, smooth leaves, a lingering "
                                  "chestnut aroma and a bright jade-green liquor.",
                "variants": [
                    ("QX-QLLC-100", "100g 特级", "100 g Premium", 100, 12800, 35),
                    ("QX-QLLC-250", "250g 一级", "250 g Grade 1", 250, 29800, 0),
                ],
            },
            {
                "name_zh": "晴隆毛尖", "name_en": "Qinglong Maojian",
                "category": "tea", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "4月采摘", "season_en": "picked in April",
                "description_zh": "细紧卷曲、白毫显露的毛尖，鲜爽耐泡，日常口粮茶。",
                "description_en": "Fine curled leaves with downy tips, fresh and long-lasting: an everyday green tea.",
                "variants": [
                    ("QX-QLMJ-100", "100g 袋装", "100 g pouch", 100, 8800, 50),
                ],
            },
            {
                "name_zh": "高山雨前绿茶", "name_en": "Highland Pre-Grain-Rain Green Tea",
                "category": "tea", "storage": "ambient",
                "certifications": [],
                "season_zh": "4月采摘", "season_en": "picked in April",
                "description_zh": "谷雨前采摘，叶片稍大，滋味浓醇，适合大杯冲泡。",
                "description_en": "Picked before Grain Rain with slightly larger leaves; a fuller taste for big mugs.",
                "variants": [
                    ("QX-YQLC-250", "250g 袋装", "250 g pouch", 250, 9800, 45),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "册亨丫他油茶专业合作社",
        "name_en": "Yata Camellia Oil Co-operative, Ceheng",
        "county_zh": "册亨县", "county_en": "Ceheng County",
        "village_zh": "丫他镇板其村", "village_en": "Banqi Village, Yata Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "册亨的布依族人家世代种油茶。合作社把村民的老油茶林连片改造，"
                    "霜降前后采摘油茶果，晒籽后物理压榨，一滴化学溶剂都不用。",
        "story_en": "Buyi families in Ceheng have grown oil-tea camellias for generations. The co-operative has "
                    "rejuvenated the villagers' old groves; fruit is picked around Frost's Descent, the seeds are "
                    "sun-dried and pressed mechanically without any chemical solvent.",
        "products": [
            {
                "name_zh": "压榨山茶油", "name_en": "Pressed Camellia Oil",
                "category": "oil", "storage": "ambient", "featured": True,
                "certifications": ["green"],
                "season_zh": "10月底至11月采果压榨", "season_en": "fruit picked and pressed late October to November",
                "description_zh": "金黄清亮，烟点高，炒菜不起油烟，也可凉拌、蒸鱼。",
                "description_en": "Clear and golden with a high smoke point: stir-fry without smoke, or use it in "
                                  "dressings and over steamed fish.",
                "variants": [
                    ("QX-CY-500", "500ml 瓶装", "500 ml bottle", 460, 8800, 60),
                    ("QX-CY-1L", "1L 瓶装", "1 L bottle", 920, 15800, 40),
                    ("QX-CY-2500", "2.5L 桶装", "2.5 L can", 2300, 36800, 10),
                ],
            },
            {
                "name_zh": "山茶油礼盒", "name_en": "Camellia Oil Gift Box",
                "category": "oil", "storage": "ambient",
                "certifications": ["green"],
                "season_zh": "11月至次年2月", "season_en": "November to February",
                "description_zh": "两瓶500ml压榨山茶油，布依蜡染纹样礼盒。",
                "description_en": "Two 500 ml bottles of pressed camellia oil in a box printed with Buyi batik patterns.",
                "variants": [
                    ("QX-CY-GB2", "500ml×2 礼盒", "2 × 500 ml gift box", 920, 19800, 15),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "望谟麻山百花蜂场",
        "name_en": "Mashan Wildflower Apiary, Wangmo",
        "county_zh": "望谟县", "county_en": "Wangmo County",
        "village_zh": "打易镇长田村", "village_en": "Changtian Village, Dayi Town",
        "kind": "household",
        "verified": True,
        "story_zh": "苗族蜂农杨大姐在麻山深处养中华蜂，蜂箱放在石山坡上，蜜源是野桂花、五倍子和山间野花，"
                    "一年只取一两次蜜。",
        "story_en": "Miao beekeeper Sister Yang keeps Chinese honeybees deep in the Mashan hills, hives set on the "
                    "rocky slopes among wild osmanthus, sumac and mountain flowers. She takes honey only once or "
                    "twice a year.",
        "products": [
            {
                "name_zh": "麻山百花蜜", "name_en": "Mashan Wildflower Honey",
                "category": "honey", "storage": "ambient", "featured": True,
                "certifications": [],
                "season_zh": "10月至11月取蜜", "season_en": "taken October to November",
                "description_zh": "中华蜂一年的积累，成熟度高，味道浓郁带微酸，冬天会结晶。",
                "description_en": "A year's work of Chinese honeybees: ripe, rich and slightly tangy; it crystallises in winter.",
                "variants": [
                    ("QX-FM-500", "500g 瓶装", "500 g jar", 500, 5800, 50),
                    ("QX-FM-1K", "1kg 瓶装", "1 kg jar", 1000, 10800, 20),
                ],
            },
            {
                "name_zh": "石山岩蜂蜜", "name_en": "Karst Cliff Honey",
                "category": "honey", "storage": "ambient",
                "certifications": [],
                "season_zh": "秋季", "season_en": "autumn",
                "description_zh": "蜂群在石灰岩缝里筑巢，产量很少，颜色深，带草木香。",
                "description_en": "From colonies nesting in limestone crevices; scarce, dark and herbal.",
                "variants": [
                    ("QX-YFM-500", "500g 瓶装", "500 g jar", 500, 12800, 6),
                ],
            },
            {
                "name_zh": "原生蜂巢蜜", "name_en": "Raw Honeycomb",
                "category": "honey", "storage": "ambient",
                "certifications": [],
                "season_zh": "秋季", "season_en": "autumn",
                "description_zh": "整块切下的封盖蜂巢，连蜡一起嚼，蜜香最原始。",
                "description_en": "Capped comb cut whole from the frame; chew it wax and all for honey at its most natural.",
                "variants": [
                    ("QX-FC-500", "500g 盒装", "500 g box", 500, 9800, 12),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "兴义敬南刺梨种植专业合作社",
        "name_en": "Jingnan Roxburgh Rose Growers' Co-operative, Xingyi",
        "county_zh": "兴义市", "county_en": "Xingyi City",
        "village_zh": "敬南镇白河村", "village_en": "Baihe Village, Jingnan Town",
        "kind": "cooperative",
        "verified": True,
        "story_zh": "刺梨是贵州山里的野果，维生素C含量极高。合作社在石漠化坡地上种下刺梨，"
                    "既保水土又给村民添了收入，秋天果子成熟后就地榨汁、烘干。",
        "story_en": "Roxburgh rose is a wild fruit of the Guizhou mountains and exceptionally rich in vitamin C. "
                    "The co-operative planted it on eroded karst slopes, holding the soil and adding village "
                    "income; in autumn the fruit is juiced and dried on the spot.",
        "products": [
            {
                "name_zh": "刺梨原汁", "name_en": "Roxburgh Rose Juice",
                "category": "drinks", "storage": "ambient", "featured": True,
                "certifications": ["green"],
                "season_zh": "8月至10月榨汁", "season_en": "pressed August to October",
                "description_zh": "鲜果压榨，非浓缩还原，酸涩回甘，可兑水或加蜂蜜饮用。",
                "description_en": "Pressed from fresh fruit, not from concentrate: tart and astringent with a sweet "
                                  "finish. Dilute with water or add honey.",
                "variants": [
                    ("QX-CLZ-250X12", "250ml×12瓶", "12 × 250 ml bottles", 3200, 9900, 45),
                ],
            },
            {
                "name_zh": "刺梨干", "name_en": "Dried Roxburgh Rose",
                "category": "dried-goods", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月至10月", "season_en": "September to October",
                "description_zh": "去籽刺梨切片烘干，泡水喝酸甜，也能直接当零食。",
                "description_en": "Seeded roxburgh rose sliced and dried: steep for a tangy drink or eat as a snack.",
                "variants": [
                    ("QX-CLG-250", "250g 袋装", "250 g bag", 250, 4500, 35),
                ],
            },
            {
                "name_zh": "鲜刺梨", "name_en": "Fresh Roxburgh Rose Hips",
                "category": "fruit", "storage": "chilled",
                "certifications": [],
                "season_zh": "8月至10月", "season_en": "August to October",
                "description_zh": "带刺的小果子，金黄成熟时采摘，冷藏发货，适合泡酒、榨汁。",
                "description_en": "Prickly little fruits picked golden and ripe, shipped chilled; for juicing or steeping in spirit.",
                "variants": [
                    ("QX-XCL-2500", "2.5kg 箱装", "2.5 kg box", 2500, 3990, 0),
                ],
            },
            {
                "name_zh": "刺梨果糕", "name_en": "Roxburgh Rose Fruit Bars",
                "category": "dried-goods", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "刺梨果浆熬制成软糕，独立小包装，酸甜开胃。",
                "description_en": "Roxburgh rose purée cooked into soft bars, individually wrapped: sweet, sour and appetising.",
                "variants": [
                    ("QX-CLGG-200", "200g 袋装", "200 g bag", 200, 2600, 70),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "安龙德卧金银花种植户",
        "name_en": "Dewo Honeysuckle Growers, Anlong",
        "county_zh": "安龙县", "county_en": "Anlong County",
        "village_zh": "德卧镇大水井村", "village_en": "Dashuijing Village, Dewo Town",
        "kind": "household",
        "verified": False,
        "story_zh": "罗家在屋后坡地种了十亩金银花，五月花蕾将开未开时一朵朵手摘，当天杀青烘干。资料正在审核中。",
        "story_en": "The Luo family grow ten mu of honeysuckle on the slope behind their house, hand-picking the "
                    "buds in May just before they open and drying them the same day. Their profile is still "
                    "being verified.",
        "products": [
            {
                "name_zh": "金银花", "name_en": "Dried Honeysuckle Buds",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "5月至6月采摘", "season_en": "picked May to June",
                "description_zh": "花蕾饱满、色泽青白，泡水清香，夏天解暑的常备茶饮。",
                "description_en": "Plump, pale green buds with a clean floral scent; a summer cooling tea.",
                "variants": [
                    ("QX-JYH-100", "100g 罐装", "100 g jar", 100, 3800, 40),
                ],
            },
            {
                "name_zh": "金银花菊花茶", "name_en": "Honeysuckle and Chrysanthemum Tea",
                "category": "herbs-tonics", "storage": "ambient",
                "certifications": [],
                "season_zh": "全年", "season_en": "all year",
                "description_zh": "金银花配胎菊，清香微甘，适合熬夜、上火时喝。",
                "description_en": "Honeysuckle with chrysanthemum buds, fragrant and faintly sweet.",
                "variants": [
                    ("QX-JYHJH-150", "150g 罐装", "150 g jar", 150, 3200, 25),
                ],
            },
        ],
    },
    {
        "region": "qianxinan",
        "name_zh": "贞丰北盘江布依农家",
        "name_en": "Beipanjiang Buyi Family Farm, Zhenfeng",
        "county_zh": "贞丰县", "county_en": "Zhenfeng County",
        "village_zh": "北盘江镇顶坛村", "village_en": "Dingtan Village, Beipanjiang Town",
        "kind": "household",
        "verified": True,
        "story_zh": "北盘江峡谷边的布依族人家，在石缝里种出了花椒，在梯田里种糯稻。"
                    "逢年过节蒸五色糯米饭，平时腌酸笋，这些家常味道现在也能寄到远方。",
        "story_en": "A Buyi family on the edge of the Beipan River gorge who grow Sichuan pepper in the cracks of "
                    "the rock and glutinous rice on terraces. They steam five-colour sticky rice for festivals and "
                    "keep sour bamboo shoots every day, and now ship these home flavours far away.",
        "products": [
            {
                "name_zh": "贞丰糯米", "name_en": "Zhenfeng Glutinous Rice",
                "category": "grain-rice", "storage": "ambient",
                "certifications": [],
                "season_zh": "9月收获", "season_en": "harvested in September",
                "description_zh": "梯田里的本地糯稻，蒸出来香糯不腻，是贞丰糯米饭的底子。",
                "description_en": "Local glutinous rice from the terraces, fragrant and sticky without being heavy: "
                                  "the base of Zhenfeng's famous sticky rice.",
                "variants": [
                    ("QX-NM-2500", "2.5kg 袋装", "2.5 kg bag", 2500, 4500, 60),
                    ("QX-NM-5K", "5kg 袋装", "5 kg bag", 5000, 8600, 30),
                ],
            },
            {
                "name_zh": "布依五色糯米饭", "name_en": "Buyi Five-colour Sticky Rice",
                "category": "grain-rice", "storage": "frozen",
                "certifications": [],
                "season_zh": "三月三前后制作，全年冷冻供应", "season_en": "made around the Third of the Third Month, frozen all year",
                "description_zh": "用枫叶、紫蓝草、黄花等植物汁液染色的糯米饭，蒸熟后速冻，复蒸十分钟即可。",
                "description_en": "Sticky rice dyed with maple leaf, purple-blue herb and yellow flower juices, steamed "
                                  "and frozen; re-steam for ten minutes.",
                "variants": [
                    ("QX-WSNM-1K", "1kg 袋装", "1 kg bag", 1000, 4800, 20),
                ],
            },
            {
                "name_zh": "顶坛花椒", "name_en": "Dingtan Sichuan Pepper",
                "category": "dried-goods", "storage": "ambient",
                "certifications": ["gi"],
                "season_zh": "6月至7月采摘", "season_en": "picked June to July",
                "description_zh": "石缝里长出来的青花椒，麻味足、香气清新，晒干后密封装。",
                "description_en": "Green Sichuan pepper grown in the rock cracks of the gorge: strongly numbing with a "
                                  "fresh aroma, sun-dried and sealed.",
                "variants": [
                    ("QX-HJ-250", "250g 袋装", "250 g bag", 250, 4800, 45),
                ],
            },
            {
                "name_zh": "布依酸笋", "name_en": "Buyi Sour Bamboo Shoots",
                "category": "preserved", "storage": "ambient",
                "certifications": [],
                "season_zh": "6月至8月腌制", "season_en": "pickled June to August",
                "description_zh": "山间嫩竹笋切丝泡在坛里自然发酵，酸香开胃，炒肉、煮鱼都好。",
                "description_en": "Young mountain bamboo shoots shredded and fermented in crocks: sour and appetising, "
                                  "for stir-fried pork or fish soup.",
                "variants": [
                    ("QX-SS-500", "500g 袋装", "500 g bag", 500, 2500, 55),
                ],
            },
            {
                "name_zh": "布依甜酒", "name_en": "Buyi Sweet Fermented Rice",
                "category": "drinks", "storage": "chilled",
                "certifications": [],
                "season_zh": "全年，每周新做", "season_en": "all year, made weekly",
                "description_zh": "贞丰糯米蒸熟拌酒曲发酵的甜酒酿，米粒软甜，可直接吃或煮蛋花甜酒。",
                "description_en": "Steamed Zhenfeng glutinous rice fermented with a rice starter: soft, sweet grains to "
                                  "eat as they are or cook with egg into a warm dessert soup.",
                "variants": [
                    ("QX-TJ-500", "500g 罐装", "500 g tub", 500, 2200, 30),
                ],
            },
        ],
    },
]


# ------------------------------------------------------------------------------------------------
# Vocabulary for the synthetic benchmark catalog (``seed-demo --products N``).  Real counties,
# towns and specialties; the farms and products made from them are generated and say so.

REGION_SHORT = {
    "yanbian": ("延边", "Yanbian", "延边州", "mountains"),
    "qianxinan": ("黔西南", "Qianxinan", "黔西南州", "karst"),
}

# region -> [(county_zh, county_en, place_zh, place_en, [(town_zh, town_en), ...])]
SYNTHETIC_COUNTIES = {
    "yanbian": [
        ("延吉市", "Yanji City", "延吉", "Yanji", [("依兰镇", "Yilan"), ("朝阳川镇", "Chaoyangchuan"), ("三道湾镇", "Sandaowan")]),
        ("图们市", "Tumen City", "图们", "Tumen", [("月晴镇", "Yueqing"), ("石岘镇", "Shixian"), ("凉水镇", "Liangshui")]),
        ("敦化市", "Dunhua City", "敦化", "Dunhua", [("雁鸣湖镇", "Yanminghu"), ("黄泥河镇", "Huangnihe"), ("官地镇", "Guandi"), ("大石头镇", "Dashitou")]),
        ("珲春市", "Hunchun City", "珲春", "Hunchun", [("春化镇", "Chunhua"), ("敬信镇", "Jingxin"), ("板石镇", "Banshi"), ("英安镇", "Ying'an")]),
        ("龙井市", "Longjing City", "龙井", "Longjing", [("东盛涌镇", "Dongshengyong"), ("老头沟镇", "Laotougou"), ("智新镇", "Zhixin"), ("三合镇", "Sanhe")]),
        ("和龙市", "Helong City", "和龙", "Helong", [("西城镇", "Xicheng"), ("八家子镇", "Bajiazi"), ("南坪镇", "Nanping"), ("崇善镇", "Chongshan")]),
        ("汪清县", "Wangqing County", "汪清", "Wangqing", [("天桥岭镇", "Tianqiaoling"), ("百草沟镇", "Baicaogou"), ("罗子沟镇", "Luozigou"), ("大兴沟镇", "Daxinggou")]),
        ("安图县", "Antu County", "安图", "Antu", [("明月镇", "Mingyue"), ("松江镇", "Songjiang"), ("二道白河镇", "Erdaobaihe"), ("万宝镇", "Wanbao")]),
    ],
    "qianxinan": [
        ("兴义市", "Xingyi City", "兴义", "Xingyi", [("顶效镇", "Dingxiao"), ("敬南镇", "Jingnan"), ("清水河镇", "Qingshuihe"), ("七舍镇", "Qishe")]),
        ("兴仁市", "Xingren City", "兴仁", "Xingren", [("巴铃镇", "Baling"), ("屯脚镇", "Tunjiao"), ("潘家庄镇", "Panjiazhuang"), ("回龙镇", "Huilong")]),
        ("安龙县", "Anlong County", "安龙", "Anlong", [("龙广镇", "Longguang"), ("德卧镇", "Dewo"), ("洒雨镇", "Sayu"), ("万峰湖镇", "Wanfenghu")]),
        ("贞丰县", "Zhenfeng County", "贞丰", "Zhenfeng", [("者相镇", "Zhexiang"), ("北盘江镇", "Beipanjiang"), ("龙场镇", "Longchang"), ("白层镇", "Baiceng")]),
        ("普安县", "Pu'an County", "普安", "Pu'an", [("江西坡镇", "Jiangxipo"), ("地瓜镇", "Digua"), ("楼下镇", "Louxia"), ("青山镇", "Qingshan")]),
        ("晴隆县", "Qinglong County", "晴隆", "Qinglong", [("沙子镇", "Shazi"), ("碧痕镇", "Bihen"), ("光照镇", "Guangzhao"), ("花贡镇", "Huagong")]),
        ("册亨县", "Ceheng County", "册亨", "Ceheng", [("丫他镇", "Yata"), ("冗渡镇", "Rongdu"), ("巧马镇", "Qiaoma"), ("岩架镇", "Yanjia")]),
        ("望谟县", "Wangmo County", "望谟", "Wangmo", [("打易镇", "Dayi"), ("乐元镇", "Leyuan"), ("桑郎镇", "Sanglang"), ("蔗香镇", "Zhexiang")]),
    ],
}

SYNTHETIC_VILLAGES = [
    ("红旗", "Hongqi"), ("新华", "Xinhua"), ("前进", "Qianjin"), ("太平", "Taiping"), ("长安", "Chang'an"),
    ("兴隆", "Xinglong"), ("永安", "Yong'an"), ("和平", "Heping"), ("光明", "Guangming"), ("东风", "Dongfeng"),
    ("团结", "Tuanjie"), ("富民", "Fumin"), ("大坪", "Daping"), ("石桥", "Shiqiao"), ("柳树", "Liushu"),
    ("青山", "Qingshan"),
]

# Household farms are named after the family: Korean-Chinese surnames in Yanbian, Buyi and Miao
# family names in Qianxinan.
SYNTHETIC_SURNAMES = {
    "yanbian": [("金", "Kim"), ("朴", "Pak"), ("李", "Li"), ("崔", "Choi"), ("郑", "Jeong"), ("姜", "Kang"),
                ("韩", "Han"), ("张", "Zhang"), ("王", "Wang"), ("赵", "Zhao")],
    "qianxinan": [("王", "Wang"), ("韦", "Wei"), ("罗", "Luo"), ("杨", "Yang"), ("岑", "Cen"), ("黄", "Huang"),
                  ("陆", "Lu"), ("吴", "Wu"), ("龙", "Long"), ("班", "Ban")],
}

# key -> item.  sizes: (label_zh, label_en, weight_g); price_per_kg_fen is a typical farm-gate
# retail price; gi_places lists where the item is a 地理标志 product ("*" = the whole region).
SYNTHETIC_ITEMS = {
    "yanbian": [
        {"zh": "鲜松茸", "en": "Fresh Matsutake", "category": "mushrooms-fungi", "storage": "chilled",
         "farm_zh": "松茸", "farm_en": "Matsutake", "price_per_kg_fen": 80000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "8月至9月", "season_en": "August to September",
         "description_zh": "长白山林下野生松茸，当天采摘分级，冷链发货。",
         "description_en": "Wild matsutake from the Changbai forests, graded on the day of picking and shipped chilled."},
        {"zh": "冻松茸", "en": "Frozen Matsutake", "category": "mushrooms-fungi", "storage": "frozen",
         "farm_zh": "松茸", "farm_en": "Matsutake", "price_per_kg_fen": 50000,
         "sizes": [("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "秋季采收，全年供应", "season_en": "picked in autumn, sold all year",
         "description_zh": "采收当天清理后速冻的松茸，直接下锅煲汤。",
         "description_en": "Matsutake cleaned and blast-frozen on the day of picking; cook straight from frozen."},
        {"zh": "黑木耳", "en": "Black Fungus", "category": "mushrooms-fungi", "storage": "ambient",
         "farm_zh": "木耳", "farm_en": "Black Fungus", "price_per_kg_fen": 13000, "gi_places": ["汪清"],
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "5月至10月", "season_en": "May to October",
         "description_zh": "肉厚背灰的黑木耳，自然晾晒，泡发率高，凉拌爽脆。",
         "description_en": "Thick, grey-backed black fungus, sun-dried; swells generously and stays crisp in salads."},
        {"zh": "榛蘑", "en": "Hazel Mushrooms", "category": "mushrooms-fungi", "storage": "ambient",
         "farm_zh": "山菌", "farm_en": "Wild Mushroom", "price_per_kg_fen": 22000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500)],
         "season_zh": "9月", "season_en": "September",
         "description_zh": "野生榛蘑自然晾干，炖小鸡最入味。",
         "description_en": "Wild hazel mushrooms, air-dried; made for the north-east's chicken stew."},
        {"zh": "大米", "en": "Rice", "category": "grain-rice", "storage": "ambient",
         "farm_zh": "稻米", "farm_en": "Rice", "price_per_kg_fen": 1600, "gi_places": ["*"],
         "sizes": [("2.5kg", "2.5 kg", 2500), ("5kg", "5 kg", 5000), ("10kg", "10 kg", 10000)],
         "season_zh": "10月收获", "season_en": "harvested in October",
         "description_zh": "一年一季的粳米，米粒饱满，煮饭油润有嚼劲。",
         "description_en": "Single-crop japonica rice with plump grains that cook glossy and springy."},
        {"zh": "糯米", "en": "Glutinous Rice", "category": "grain-rice", "storage": "ambient",
         "farm_zh": "稻米", "farm_en": "Rice", "price_per_kg_fen": 1700,
         "sizes": [("2.5kg", "2.5 kg", 2500), ("5kg", "5 kg", 5000)],
         "season_zh": "10月收获", "season_en": "harvested in October",
         "description_zh": "做打糕和米酒的糯米，黏糯香甜。",
         "description_en": "Sticky, sweet glutinous rice for rice cakes and rice wine."},
        {"zh": "苹果梨", "en": "Apple-Pears", "category": "fruit", "storage": "ambient",
         "farm_zh": "果园", "farm_en": "Orchard", "price_per_kg_fen": 1200, "gi_places": ["*"],
         "sizes": [("2.5kg", "2.5 kg", 2500), ("5kg", "5 kg", 5000), ("10kg", "10 kg", 10000)],
         "season_zh": "9月底至10月采收", "season_en": "picked late September to October",
         "description_zh": "延边特有的苹果梨，皮薄肉脆，酸甜多汁，耐储存。",
         "description_en": "Yanbian's own apple-pear: thin-skinned, crisp, sweet-tart and long-keeping."},
        {"zh": "辣白菜", "en": "Kimchi", "category": "preserved", "storage": "chilled",
         "farm_zh": "泡菜", "farm_en": "Kimchi", "price_per_kg_fen": 3800,
         "sizes": [("500g", "500 g", 500), ("1kg", "1 kg", 1000), ("2.5kg", "2.5 kg", 2500)],
         "season_zh": "每周新腌", "season_en": "made fresh every week",
         "description_zh": "朝鲜族家庭做法的辣白菜，发酵一周出货，冷藏保存。",
         "description_en": "Korean-Chinese family-style kimchi, fermented for a week; keep it chilled."},
        {"zh": "人参", "en": "Ginseng", "category": "herbs-tonics", "storage": "ambient",
         "farm_zh": "人参", "farm_en": "Ginseng", "price_per_kg_fen": 26000,
         "sizes": [("100g", "100 g", 100), ("250g", "250 g", 250), ("500g", "500 g", 500)],
         "season_zh": "9月采挖", "season_en": "dug in September",
         "description_zh": "长白山人参，洗净晾干，可炖汤、泡茶。",
         "description_en": "Changbai ginseng, washed and dried, for soups and tea."},
        {"zh": "椴树蜜", "en": "Linden Honey", "category": "honey", "storage": "ambient",
         "farm_zh": "蜂场", "farm_en": "Apiary", "price_per_kg_fen": 13000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "7月采蜜", "season_en": "gathered in July",
         "description_zh": "长白山椴树花期的成熟蜂蜜，色浅味清，天冷自然结晶。",
         "description_en": "Ripe honey from the Changbai linden bloom, pale and delicate, setting naturally in the cold."},
        {"zh": "松子", "en": "Pine Nuts", "category": "dried-goods", "storage": "ambient",
         "farm_zh": "山货", "farm_en": "Forest Goods", "price_per_kg_fen": 17000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "9月至10月", "season_en": "September to October",
         "description_zh": "红松子开口烘烤，果仁饱满油润。",
         "description_en": "Korean-pine nuts opened and roasted, with plump, oily kernels."},
        {"zh": "冷面", "en": "Cold Noodles", "category": "grain-rice", "storage": "ambient",
         "farm_zh": "冷面", "farm_en": "Noodle", "price_per_kg_fen": 3200,
         "sizes": [("1.5kg", "1.5 kg", 1500), ("3kg", "3 kg", 3000)],
         "season_zh": "全年", "season_en": "all year",
         "description_zh": "荞麦冷面附酸甜汤料，煮好过冷水即可。",
         "description_en": "Buckwheat cold noodles with sweet-and-sour broth; boil and rinse cold."},
        {"zh": "五味子", "en": "Schisandra Berries", "category": "herbs-tonics", "storage": "ambient",
         "farm_zh": "山货", "farm_en": "Forest Goods", "price_per_kg_fen": 18000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500)],
         "season_zh": "9月至10月", "season_en": "September to October",
         "description_zh": "长白山北五味子，晒干后泡水泡酒。",
         "description_en": "Changbai schisandra, dried for steeping in water or spirit."},
    ],
    "qianxinan": [
        {"zh": "薏仁米", "en": "Coix Seed", "category": "grain-rice", "storage": "ambient",
         "farm_zh": "薏仁米", "farm_en": "Coix Seed", "price_per_kg_fen": 3400, "gi_places": ["兴仁"],
         "sizes": [("500g", "500 g", 500), ("1kg", "1 kg", 1000), ("2.5kg", "2.5 kg", 2500)],
         "season_zh": "9月至10月收获", "season_en": "harvested September to October",
         "description_zh": "小白壳薏仁，粒小饱满，煮粥软糯不散。",
         "description_en": "Small white-husk coix seed, plump grains that cook soft without falling apart."},
        {"zh": "红茶", "en": "Black Tea", "category": "tea", "storage": "ambient",
         "farm_zh": "茶园", "farm_en": "Tea Garden", "price_per_kg_fen": 160000, "gi_places": ["普安"],
         "sizes": [("50g", "50 g", 50), ("100g", "100 g", 100), ("250g", "250 g", 250)],
         "season_zh": "春茶，3月至4月", "season_en": "spring tea, March to April",
         "description_zh": "高山茶园的春茶红茶，汤色红亮，带蜜香。",
         "description_en": "Spring black tea from highland gardens, with a bright liquor and honey notes."},
        {"zh": "绿茶", "en": "Green Tea", "category": "tea", "storage": "ambient",
         "farm_zh": "茶园", "farm_en": "Tea Garden", "price_per_kg_fen": 120000, "gi_places": ["晴隆"],
         "sizes": [("50g", "50 g", 50), ("100g", "100 g", 100), ("250g", "250 g", 250)],
         "season_zh": "2月底至4月", "season_en": "late February to April",
         "description_zh": "云雾茶园的早春绿茶，栗香高长，汤色嫩绿。",
         "description_en": "Early-spring green tea from misty gardens, with a chestnut aroma and a jade-green liquor."},
        {"zh": "山茶油", "en": "Camellia Oil", "category": "oil", "storage": "ambient",
         "farm_zh": "油茶", "farm_en": "Camellia Oil", "price_per_kg_fen": 17000,
         "sizes": [("500ml", "500 ml", 460), ("1L", "1 L", 920), ("2.5L", "2.5 L", 2300)],
         "season_zh": "10月至11月压榨", "season_en": "pressed October to November",
         "description_zh": "油茶籽物理压榨，金黄清亮，烟点高。",
         "description_en": "Mechanically pressed camellia seed oil, clear and golden with a high smoke point."},
        {"zh": "百花蜜", "en": "Wildflower Honey", "category": "honey", "storage": "ambient",
         "farm_zh": "蜂场", "farm_en": "Apiary", "price_per_kg_fen": 11000,
         "sizes": [("250g", "250 g", 250), ("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "10月至11月取蜜", "season_en": "taken October to November",
         "description_zh": "中华蜂在石山间采集的百花蜜，成熟度高，味道浓郁。",
         "description_en": "Chinese honeybee wildflower honey from the karst hills, ripe and rich."},
        {"zh": "刺梨汁", "en": "Roxburgh Rose Juice", "category": "drinks", "storage": "ambient",
         "farm_zh": "刺梨", "farm_en": "Roxburgh Rose", "price_per_kg_fen": 3000,
         "sizes": [("250ml×6", "6 × 250 ml", 1600), ("250ml×12", "12 × 250 ml", 3200)],
         "season_zh": "8月至10月榨汁", "season_en": "pressed August to October",
         "description_zh": "鲜刺梨压榨的原汁，维生素C丰富，酸涩回甘。",
         "description_en": "Juice pressed from fresh roxburgh rose, rich in vitamin C, tart with a sweet finish."},
        {"zh": "刺梨干", "en": "Dried Roxburgh Rose", "category": "dried-goods", "storage": "ambient",
         "farm_zh": "刺梨", "farm_en": "Roxburgh Rose", "price_per_kg_fen": 18000,
         "sizes": [("100g", "100 g", 100), ("250g", "250 g", 250), ("500g", "500 g", 500)],
         "season_zh": "9月至10月", "season_en": "September to October",
         "description_zh": "去籽刺梨切片烘干，泡水或当零食。",
         "description_en": "Seeded roxburgh rose slices, dried; steep them or eat as a snack."},
        {"zh": "糯米", "en": "Glutinous Rice", "category": "grain-rice", "storage": "ambient",
         "farm_zh": "糯米", "farm_en": "Sticky Rice", "price_per_kg_fen": 1800,
         "sizes": [("2.5kg", "2.5 kg", 2500), ("5kg", "5 kg", 5000)],
         "season_zh": "9月收获", "season_en": "harvested in September",
         "description_zh": "布依梯田里的本地糯稻，蒸糯米饭香糯不腻。",
         "description_en": "Local glutinous rice from Buyi terraces, fragrant and sticky when steamed."},
        {"zh": "金银花", "en": "Honeysuckle", "category": "herbs-tonics", "storage": "ambient",
         "farm_zh": "金银花", "farm_en": "Honeysuckle", "price_per_kg_fen": 38000,
         "sizes": [("50g", "50 g", 50), ("100g", "100 g", 100), ("250g", "250 g", 250)],
         "season_zh": "5月至6月采摘", "season_en": "picked May to June",
         "description_zh": "将开未开时手摘的金银花蕾，当天烘干，泡水清香。",
         "description_en": "Honeysuckle buds hand-picked just before opening and dried the same day."},
        {"zh": "花椒", "en": "Sichuan Pepper", "category": "dried-goods", "storage": "ambient",
         "farm_zh": "花椒", "farm_en": "Sichuan Pepper", "price_per_kg_fen": 19000, "gi_places": ["贞丰"],
         "sizes": [("100g", "100 g", 100), ("250g", "250 g", 250), ("500g", "500 g", 500)],
         "season_zh": "6月至7月采摘", "season_en": "picked June to July",
         "description_zh": "石山上种出的青花椒，麻味足、香气清新。",
         "description_en": "Green Sichuan pepper grown on the rocky hills, strongly numbing and fresh."},
        {"zh": "酸笋", "en": "Sour Bamboo Shoots", "category": "preserved", "storage": "ambient",
         "farm_zh": "酸笋", "farm_en": "Bamboo Shoot", "price_per_kg_fen": 5000,
         "sizes": [("500g", "500 g", 500), ("1kg", "1 kg", 1000)],
         "season_zh": "6月至8月腌制", "season_en": "pickled June to August",
         "description_zh": "布依人家坛子里自然发酵的酸笋，炒肉煮鱼都好。",
         "description_en": "Bamboo shoots fermented in Buyi crocks, for stir-fried pork or fish soup."},
    ],
}

# (zh, en, certification it implies or None); "" = no qualifier
SYNTHETIC_QUALIFIERS = [
    ("", "", None), ("高山", "Highland", None), ("山野", "Mountain", None), ("精选", "Select", None),
    ("新季", "New-season", None), ("农家", "Farmhouse", None), ("有机", "Organic", "organic"),
    ("生态", "Eco-grown", "green"),
]
# (zh, en, price multiplier in percent)
SYNTHETIC_GRADES = [
    ("", "", 100), ("特级", "Premium", 140), ("一级", "Grade 1", 110), ("二级", "Grade 2", 85),
    ("礼盒装", "Gift Box", 160), ("家庭装", "Family Pack", 90),
]
