"""A small two-region catalog for the API tests, committed so the app's requests see it."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from shop.catalog.models import Certification, ProductPhoto, ProductStatus, Storage
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory


@dataclass
class Catalog:
    yanbian: object
    qianxinan: object
    honey: object
    tea: object
    yanbian_honey: object
    qianxinan_honey: object
    matsutake: object
    black_tea: object
    sold_out: object
    hidden: object


@pytest.fixture
def catalog(session) -> Catalog:
    """Given: honey from both regions, matsutake with photos, tea, a sold-out and a hidden product."""
    yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian", province_zh="吉林省",
                            province_en="Jilin", tagline_zh="长白山下的好物", tagline_en="Good things from Changbai",
                            partner_city_zh="宁波", partner_city_en="Ningbo", position=1)
    qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan", position=2)
    honey = CategoryFactory(slug="honey", name_zh="蜂蜜", name_en="Honey")
    tea = CategoryFactory(slug="tea", name_zh="茶叶", name_en="Tea")
    fungi = CategoryFactory(slug="mushrooms-fungi", name_zh="菌菇", name_en="Mushrooms")
    antu = FarmFactory(region=yanbian, name_zh="长白山林下合作社", name_en="Changbai Forest Co-op")
    puan = FarmFactory(region=qianxinan, name_zh="普安茶园", name_en="Pu'an Tea Garden")

    yanbian_honey = ProductFactory(
        farm=antu, category=honey, name_zh="长白山椴树蜂蜜", name_en="Changbai linden honey",
        description_zh="椴树花期采收。", description_en="Harvested when the lindens bloom.",
        variants=[{"label_zh": "1 千克", "label_en": "1 kg", "weight_g": 1000, "price_fen": 12800, "stock": 5},
                  {"label_zh": "500 克", "label_en": "500 g", "weight_g": 500, "price_fen": 6800, "stock": 3}])
    qianxinan_honey = ProductFactory(
        farm=puan, category=honey, name_zh="黔西南野生百花蜂蜜", name_en="Qianxinan wildflower honey",
        variants=[{"price_fen": 5900, "stock": 8}])
    matsutake = ProductFactory(
        farm=antu, category=fungi, name_zh="安图野生松茸", name_en="Antu wild matsutake",
        description_zh="长白山林下采摘。", description_en="Picked under the Changbai forest.",
        origin_zh="吉林省安图县", origin_en="Antu County, Jilin", harvest_season_zh="8–9 月",
        harvest_season_en="August–September", storage=Storage.CHILLED, featured=True,
        certifications=[Certification.GEOGRAPHICAL_INDICATION.value, Certification.ORGANIC.value],
        variants=[{"label_zh": "250 克 特级", "label_en": "250 g premium", "weight_g": 250,
                   "price_fen": 19900, "stock": 2}])
    session.add_all([
        ProductPhoto(product=matsutake, path="products/matsutake/1.webp", width=800, height=600,
                     alt_zh="松茸", alt_en="Matsutake", position=0),
        ProductPhoto(product=matsutake, path="products/matsutake/2.webp", width=800, height=600, position=1),
    ])
    black_tea = ProductFactory(farm=puan, category=tea, name_zh="普安红茶", name_en="Pu'an black tea",
                               certifications=["gi"], variants=[{"price_fen": 8800, "stock": 20}])
    sold_out = ProductFactory(farm=puan, category=tea, name_zh="晴隆绿茶", name_en="Qinglong green tea",
                              variants=[{"price_fen": 7600, "stock": 0}])
    hidden = ProductFactory(farm=antu, category=honey, name_zh="下架蜂蜜", name_en="Withdrawn honey",
                            status=ProductStatus.HIDDEN, variants=[{"price_fen": 100, "stock": 1}])
    session.commit()
    return Catalog(yanbian, qianxinan, honey, tea, yanbian_honey, qianxinan_honey, matsutake, black_tea,
                   sold_out, hidden)


