"""Demo and benchmark catalogs: ``flask --app shop seed-demo [--if-empty] [--products N]``.

``seed_demo`` loads the two partner regions with their farms and products from ``demo_data`` and
draws a picture for every product (and a banner per region) into MEDIA_DIR.  It upserts by natural
keys: region and category by slug, farm by name within its region, product by its variants' SKUs.
Running it again adds nothing; it brings names, texts, prices and flags back in line with the
dataset but leaves the stock of existing variants alone, since orders may have moved it.

``seed_synthetic`` adds N generated products (for benchmarks) spread over generated farms in both
regions, with bulk inserts and a bulk search-index write, so 100,000 products take a minute or two
rather than an hour.  Synthetic farms say in their story that they are generated.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session, selectinload

from shop import db
from shop.catalog import demo_data, images, search, services
from shop.catalog.models import (Category, Farm, FarmKind, Product, ProductPhoto, ProductStatus, Region,
                                 Storage, Variant)

REGION_FIELDS = ("name_zh", "name_en", "province_zh", "province_en", "tagline_zh", "tagline_en", "story_zh",
                 "story_en", "partner_city_zh", "partner_city_en", "position")
FARM_FIELDS = ("name_en", "county_zh", "county_en", "village_zh", "village_en", "story_zh", "story_en",
               "verified")
PRODUCT_FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "featured")


@dataclass
class SeedResult:
    """What a seed run found and changed."""

    regions: int = 0
    categories: int = 0
    farms: int = 0
    products: int = 0
    variants: int = 0
    created: dict[str, int] = field(default_factory=lambda: {"regions": 0, "categories": 0, "farms": 0,
                                                             "products": 0, "variants": 0})


def _assign(obj, values: dict) -> None:
    # Only write what differs, so an unchanged row is not marked dirty (and keeps its updated_at).
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


# --- the demo catalog ---------------------------------------------------------------------------

def seed_demo(session: Session, media_dir: str) -> SeedResult:
    """Insert or update the demo regions, categories, farms, products, variants and pictures.

    Idempotent; flushes but does not commit (the caller's unit of work does).
    """
    result = SeedResult()
    regions = _upsert_regions(session, result)
    categories = _upsert_categories(session, result)
    farms = _upsert_farms(session, regions, result)
    products = _upsert_products(session, farms, categories, result)
    session.flush()  # product ids name the picture files
    for product, spec in products:
        _ensure_photo(session, product, spec, media_dir)
        services.refresh_product(session, product)
    for region in regions.values():
        _ensure_region_banner(region, media_dir)
    result.regions, result.categories, result.farms = len(regions), len(categories), len(farms)
    result.products = len(products)
    result.variants = sum(len(spec["variants"]) for _p, spec in products)
    return result


def _upsert_regions(session: Session, result: SeedResult) -> dict[str, Region]:
    existing = {r.slug: r for r in session.scalars(sa.select(Region))}
    regions = {}
    for spec in demo_data.REGIONS:
        region = existing.get(spec["slug"])
        if region is None:
            region = Region(slug=spec["slug"])
            session.add(region)
            result.created["regions"] += 1
        _assign(region, {name: spec[name] for name in REGION_FIELDS})
        regions[spec["slug"]] = region
    return regions


def _upsert_categories(session: Session, result: SeedResult) -> dict[str, Category]:
    existing = {c.slug: c for c in session.scalars(sa.select(Category))}
    categories = {}
    for position, (slug, name_zh, name_en) in enumerate(demo_data.CATEGORIES, start=1):
        category = existing.get(slug)
        if category is None:
            category = Category(slug=slug)
            session.add(category)
            result.created["categories"] += 1
        _assign(category, {"name_zh": name_zh, "name_en": name_en, "position": position})
        categories[slug] = category
    return categories


def _upsert_farms(session: Session, regions: dict[str, Region], result: SeedResult) -> list[tuple[Farm, dict]]:
    session.flush()  # new regions need ids to look farms up by
    wanted = {(regions[f["region"]].id, f["name_zh"]) for f in demo_data.FARMS}
    existing = {(f.region_id, f.name_zh): f for f in session.scalars(
        sa.select(Farm).where(Farm.name_zh.in_([name for _r, name in wanted])))}
    farms = []
    for spec in demo_data.FARMS:
        region = regions[spec["region"]]
        farm = existing.get((region.id, spec["name_zh"]))
        if farm is None:
            farm = Farm(region=region, name_zh=spec["name_zh"])
            session.add(farm)
            result.created["farms"] += 1
        _assign(farm, {name: spec[name] for name in FARM_FIELDS} | {"kind": FarmKind(spec["kind"])})
        farms.append((farm, spec))
    return farms


def _origin(region_slug: str, farm_spec: dict) -> tuple[str, str]:
    region = next(r for r in demo_data.REGIONS if r["slug"] == region_slug)
    _short_zh, short_en, mid_zh, _landscape = demo_data.REGION_SHORT[region_slug]
    return (f"{region['province_zh']}{mid_zh}{farm_spec['county_zh']}",
            f"{farm_spec['county_en']}, {short_en}, {region['province_en'].replace(' Province', '')}")


def _upsert_products(session: Session, farms: list[tuple[Farm, dict]], categories: dict[str, Category],
                     result: SeedResult) -> list[tuple[Product, dict]]:
    all_skus = [v[0] for _farm, fspec in farms for p in fspec["products"] for v in p["variants"]]
    by_sku: dict[str, Product] = {}
    for product in session.scalars(
            sa.select(Product).join(Product.variants).where(Variant.sku.in_(all_skus))
            .options(selectinload(Product.variants), selectinload(Product.photos))).unique():
        for variant in product.variants:
            by_sku[variant.sku] = product
    products = []
    for farm, farm_spec in farms:
        origin_zh, origin_en = _origin(farm_spec["region"], farm_spec)
        for spec in farm_spec["products"]:
            product = next((by_sku[v[0]] for v in spec["variants"] if v[0] in by_sku), None)
            if product is None:
                product = Product(status=ProductStatus.ACTIVE)
                session.add(product)
                result.created["products"] += 1
            _assign(product, {name: spec.get(name, False) for name in PRODUCT_FIELDS} | {
                "farm": farm,
                "region": farm.region,
                "category": categories[spec["category"]],
                "origin_zh": spec.get("origin_zh", origin_zh),
                "origin_en": spec.get("origin_en", origin_en),
                "certifications": list(spec["certifications"]),
                "harvest_season_zh": spec["season_zh"],
                "harvest_season_en": spec["season_en"],
                "storage": Storage(spec["storage"]),
            })
            _upsert_variants(product, spec["variants"], result)
            products.append((product, spec))
    return products


def _upsert_variants(product: Product, specs: list[tuple], result: SeedResult) -> None:
    current = {v.sku: v for v in product.variants}
    for position, (sku, label_zh, label_en, weight_g, price_fen, stock) in enumerate(specs):
        variant = current.get(sku)
        if variant is None:
            variant = Variant(sku=sku, stock=stock)
            product.variants.append(variant)
            result.created["variants"] += 1
        _assign(variant, {"label_zh": label_zh, "label_en": label_en, "weight_g": weight_g,
                          "price_fen": price_fen, "position": position})


def _ensure_photo(session: Session, product: Product, spec: dict, media_dir: str) -> None:
    region_slug = product.region.slug
    short_zh, short_en, _mid, _landscape = demo_data.REGION_SHORT.get(region_slug, ("", "", "", ""))
    category = spec["category"]
    first_sku = spec["variants"][0][0]
    path = images.product_photo_path(product.id)
    key = images.picture_key("product", product.name_zh, product.name_en, category, first_sku, short_zh, short_en)
    width, height = images.ensure_jpeg(media_dir, path, key, lambda: images.render_product_image(
        product.name_zh, product.name_en, category, seed=first_sku, region_zh=short_zh, region_en=short_en))
    photo = next((p for p in product.photos if p.path == path), None)
    if photo is None:
        photo = ProductPhoto(path=path, position=0)
        product.photos.append(photo)
    # These are drawn illustrations, and the alt text says so.
    _assign(photo, {"width": width, "height": height, "alt_zh": f"{product.name_zh}（示意图）",
                    "alt_en": f"{product.name_en} (illustration)"})


def _ensure_region_banner(region: Region, media_dir: str) -> None:
    landscape = demo_data.REGION_SHORT.get(region.slug, ("", "", "", "mountains"))[3]
    key = images.picture_key("region", region.slug, region.name_zh, region.name_en, landscape)
    images.ensure_jpeg(media_dir, images.region_banner_path(region.slug), key, lambda: images.render_region_banner(
        region.slug, region.name_zh, region.name_en, landscape=landscape))


# --- the synthetic benchmark catalog ------------------------------------------------------------

SYNTHETIC_STORY_ZH = "基准测试用的合成农场：由 seed-demo --products 生成，不是真实的农户。"
SYNTHETIC_STORY_EN = "A synthetic farm generated by seed-demo --products for benchmarks; not a real producer."


def seed_synthetic(session: Session, count: int, media_dir: str, *, batch_size: int = 2000,
                   progress: Callable[[str], None] | None = None) -> int:
    """Add ``count`` generated products (with 1–3 variants, a shared picture and a search entry each).

    Needs the demo regions and categories (run ``seed_demo`` first).  Uses bulk inserts in batches
    of ``batch_size``; flushes nothing through the ORM and does not commit.  Returns the number added.
    """
    if count <= 0:
        return 0
    say = progress or (lambda _msg: None)
    regions = {r.slug: r for r in session.scalars(sa.select(Region).where(
        Region.slug.in_(list(demo_data.SYNTHETIC_COUNTIES))))}
    categories = {c.slug: c for c in session.scalars(sa.select(Category))}
    if len(regions) < len(demo_data.SYNTHETIC_COUNTIES):
        raise LookupError("the demo regions are missing: run seed_demo before seed_synthetic")
    # A different stream of names for every run, yet the same one for the same database state.
    rng = random.Random(session.scalar(sa.select(sa.func.count(Product.id))) or 0)
    started = time.monotonic()

    shared_photos = _ensure_shared_photos(media_dir, categories)
    farms = _insert_synthetic_farms(session, rng, regions, farm_count=max(4, min(count // 60, 1500)))
    say(f"  {len(farms):,} synthetic farms")

    documents = _DocumentCache(regions, categories)
    created_from = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / count
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        specs = [_synthetic_product(rng, farms[rng.randrange(len(farms))], categories) for _ in range(size)]
        ids = _reserve_ids(session, Product.__table__, size)
        # Spread over the past year, so "newest" orders them and the demo products stay on top.
        rows = [spec.row | {"id": product_id, "created_at": created_from + step * (done + i),
                            "updated_at": created_from + step * (done + i)}
                for i, (product_id, spec) in enumerate(zip(ids, specs))]
        session.execute(sa.insert(Product.__table__), rows)
        variant_rows, photo_rows = [], []
        for product_id, spec in zip(ids, specs):
            for k, variant in enumerate(spec.variants):
                variant_rows.append(variant | {"product_id": product_id, "sku": f"SYN-{product_id}-{k + 1}",
                                               "position": k})
            width, height, path = shared_photos[spec.row["category_id"]]
            photo_rows.append({"product_id": product_id, "path": path, "width": width, "height": height,
                               "alt_zh": f"{spec.row['name_zh']}（示意图）",
                               "alt_en": f"{spec.row['name_en']} (illustration)", "position": 0})
        session.execute(sa.insert(Variant.__table__), variant_rows)
        session.execute(sa.insert(ProductPhoto.__table__), photo_rows)
        search.write_documents(session, [(pid, documents.for_product(spec)) for pid, spec in zip(ids, specs)])
        done += size
        elapsed = time.monotonic() - started
        say(f"  {done:,}/{count:,} products ({done / elapsed:,.0f}/s)")
    # Fresh planner statistics, so the first queries against the big catalog use the indexes.
    session.execute(sa.text("ANALYZE"))
    return count


def _reserve_ids(session: Session, table: sa.Table, count: int) -> list[int]:
    """``count`` fresh primary keys for ``table``, so a batch can be inserted without RETURNING
    (several times faster on PostgreSQL, where executemany then runs in pipeline mode)."""
    if db.is_sqlite(session):
        # The unit of work holds SQLite's write lock (BEGIN IMMEDIATE): nobody else can take these.
        start = session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
        return list(range(start + 1, start + count + 1))
    return list(session.scalars(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count}))


@dataclass
class _SyntheticProduct:
    row: dict
    variants: list[dict]
    farm: SimpleNamespace
    category_slug: str


def _ensure_shared_photos(media_dir: str, categories: dict[str, Category]) -> dict[int, tuple[int, int, str]]:
    shared = {}
    for slug, category in categories.items():
        path = images.shared_category_photo_path(slug)
        key = images.picture_key("shared", slug, category.name_zh, category.name_en)
        width, height = images.ensure_jpeg(media_dir, path, key, lambda: images.render_product_image(
            category.name_zh, category.name_en, slug, seed=f"shared-{slug}"))
        shared[category.id] = (width, height, path)
    return shared


def _insert_synthetic_farms(session: Session, rng: random.Random, regions: dict[str, Region],
                            farm_count: int) -> list[SimpleNamespace]:
    rows, meta = [], []
    slugs = sorted(regions)
    for i in range(farm_count):
        slug = slugs[i % len(slugs)]
        county_zh, county_en, place_zh, place_en, towns = rng.choice(demo_data.SYNTHETIC_COUNTIES[slug])
        town_zh, town_en = rng.choice(towns)
        village_zh, village_en = rng.choice(demo_data.SYNTHETIC_VILLAGES)
        items = rng.sample(demo_data.SYNTHETIC_ITEMS[slug], k=rng.choice((1, 1, 2)))
        main = items[0]
        kind = rng.choices((FarmKind.HOUSEHOLD, FarmKind.COOPERATIVE, FarmKind.ENTERPRISE), weights=(5, 4, 1))[0]
        if kind is FarmKind.HOUSEHOLD:
            surname_zh, surname_en = rng.choice(demo_data.SYNTHETIC_SURNAMES[slug])
            name_zh = f"{village_zh}村{surname_zh}家{main['farm_zh']}"
            name_en = f"{surname_en} Family {main['farm_en']}, {village_en} Village"
        elif kind is FarmKind.COOPERATIVE:
            name_zh = f"{place_zh}{town_zh}{village_zh}{main['farm_zh']}专业合作社"
            name_en = f"{village_en} {main['farm_en']} Co-operative, {place_en}"
        else:
            name_zh = f"{place_zh}{village_zh}{main['farm_zh']}农业有限公司"
            name_en = f"{place_en} {village_en} {main['farm_en']} Agriculture Co."
        row = {"region_id": regions[slug].id, "name_zh": name_zh, "name_en": name_en,
               "county_zh": county_zh, "county_en": county_en,
               "village_zh": f"{town_zh}{village_zh}村", "village_en": f"{village_en} Village, {town_en} Town",
               "kind": kind, "story_zh": SYNTHETIC_STORY_ZH, "story_en": SYNTHETIC_STORY_EN,
               "verified": rng.random() < 0.85}
        rows.append(row)
        meta.append((slug, place_zh, place_en, town_zh, town_en, items))
    ids = session.execute(
        sa.insert(Farm.__table__).returning(Farm.__table__.c.id, sort_by_parameter_order=True), rows
    ).scalars().all()
    farms = []
    for farm_id, row, (slug, place_zh, place_en, town_zh, town_en, items) in zip(ids, rows, meta):
        province_zh = next(r["province_zh"] for r in demo_data.REGIONS if r["slug"] == slug)
        province_en = next(r["province_en"] for r in demo_data.REGIONS if r["slug"] == slug)
        _short_zh, short_en, mid_zh, _landscape = demo_data.REGION_SHORT[slug]
        farms.append(SimpleNamespace(
            id=farm_id, region_slug=slug, region_id=row["region_id"], place_zh=place_zh, place_en=place_en,
            items=items, name_zh=row["name_zh"], name_en=row["name_en"], county_zh=row["county_zh"],
            county_en=row["county_en"], village_zh=row["village_zh"], village_en=row["village_en"],
            origin_zh=f"{province_zh}{mid_zh}{row['county_zh']}{town_zh}",
            origin_en=f"{town_en} Town, {row['county_en']}, {short_en}, {province_en.replace(' Province', '')}"))
    return farms


def _retail_price(fen: float) -> int:
    # Shelf prices end in 0.90 (¥79.90) once above ten yuan; whole yuan below.
    yuan = max(1, round(fen / 100))
    return yuan * 100 - 10 if yuan > 10 else yuan * 100


def _synthetic_product(rng: random.Random, farm: SimpleNamespace, categories: dict[str, Category]) -> _SyntheticProduct:
    item = rng.choice(farm.items)
    qualifier_zh, qualifier_en, qualifier_cert = rng.choice(demo_data.SYNTHETIC_QUALIFIERS)
    grade_zh, grade_en, grade_percent = rng.choice(demo_data.SYNTHETIC_GRADES)
    name_zh = f"{farm.place_zh}{qualifier_zh}{item['zh']}" + (f" {grade_zh}" if grade_zh else "")
    name_en = " ".join(part for part in (farm.place_en, qualifier_en, item["en"]) if part)
    if grade_en:
        name_en += f", {grade_en}"
    certifications = []
    gi_places = item.get("gi_places", [])
    if "*" in gi_places or farm.place_zh in gi_places:
        certifications.append("gi")
    if qualifier_cert:
        certifications.append(qualifier_cert)
    sizes = item["sizes"]
    first = rng.randrange(len(sizes))
    chosen = sizes[first:first + rng.randint(1, 3)]
    variants = []
    for n, (label_zh, label_en, weight_g) in enumerate(chosen):
        # Larger packs cost a little less per kilogram, as in any shop.
        fen = item["price_per_kg_fen"] * weight_g / 1000 * grade_percent / 100 * (1 - 0.05 * n)
        stock = 0 if rng.random() < 0.08 else rng.randint(3, 300)
        variants.append({"label_zh": f"{label_zh} {grade_zh}".strip(), "label_en": f"{label_en} {grade_en}".strip(),
                         "weight_g": weight_g, "price_fen": _retail_price(fen), "stock": stock})
    row = {
        "farm_id": farm.id, "category_id": categories[item["category"]].id, "region_id": farm.region_id,
        "name_zh": name_zh, "name_en": name_en,
        "description_zh": item["description_zh"], "description_en": item["description_en"],
        "origin_zh": farm.origin_zh, "origin_en": farm.origin_en,
        "certifications": certifications,
        "harvest_season_zh": item["season_zh"], "harvest_season_en": item["season_en"],
        "storage": Storage(item["storage"]), "status": ProductStatus.ACTIVE, "featured": False,
        "price_from_fen": min(v["price_fen"] for v in variants),
        "in_stock": any(v["stock"] > 0 for v in variants),
    }
    return _SyntheticProduct(row=row, variants=variants, farm=farm, category_slug=item["category"])


class _DocumentCache:
    """Search documents for synthetic products, built field by field with memoisation.

    ``search.document_for`` costs a few milliseconds (jieba and pinyin), which for 100,000 products
    would be minutes; but they share a few thousand names, a few thousand farm-and-category pairs
    and two dozen descriptions.  The document's three fields depend on disjoint inputs (names;
    farm, region, category and origin; descriptions), so each is computed once per distinct input
    from a stand-in product that carries only those inputs.
    """

    def __init__(self, regions: dict[str, Region], categories: dict[str, Category]):
        self.regions = {r.id: SimpleNamespace(name_zh=r.name_zh, name_en=r.name_en) for r in regions.values()}
        self.categories = {c.id: SimpleNamespace(name_zh=c.name_zh, name_en=c.name_en) for c in categories.values()}
        self.names: dict[tuple, str] = {}
        self.places: dict[tuple, str] = {}
        self.bodies: dict[tuple, str] = {}

    @staticmethod
    def _stand_in(**values) -> SimpleNamespace:
        blank = dict(farm=None, region=None, category=None, name_zh="", name_en="", origin_zh="",
                     origin_en="", description_zh="", description_en="")
        return SimpleNamespace(**(blank | values))

    def for_product(self, spec: _SyntheticProduct) -> search.SearchDocument:
        row, farm = spec.row, spec.farm
        key = (row["name_zh"], row["name_en"])
        if key not in self.names:
            self.names[key] = search.document_for(self._stand_in(name_zh=key[0], name_en=key[1])).names
        key_places = (farm.id, row["category_id"])
        if key_places not in self.places:
            self.places[key_places] = search.document_for(self._stand_in(
                farm=farm, region=self.regions[row["region_id"]], category=self.categories[row["category_id"]],
                origin_zh=row["origin_zh"], origin_en=row["origin_en"])).places
        key_body = (row["description_zh"], row["description_en"])
        if key_body not in self.bodies:
            self.bodies[key_body] = search.document_for(self._stand_in(
                description_zh=key_body[0], description_en=key_body[1])).body
        return search.SearchDocument(names=self.names[key], places=self.places[key_places],
                                     body=self.bodies[key_body])


# --- the command --------------------------------------------------------------------------------

@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the catalog already has a product.")
@click.option("--products", "synthetic", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also add this many generated products (for benchmarks).")
@click.option("--batch-size", type=click.IntRange(min=1, max=50_000), default=2000, show_default=True,
              help="Rows per bulk insert when generating products.")
@with_appcontext
def seed_demo_command(if_empty: bool, synthetic: int, batch_size: int) -> None:
    """Load the demo catalog (two regions, their farms and products, with pictures)."""
    media_dir = current_app.config["MEDIA_DIR"]
    started = time.monotonic()
    with db.unit_of_work() as session:
        if if_empty and session.scalar(sa.select(Product.id).limit(1)) is not None:
            click.echo("The catalog already has products; nothing to do.")
            return
        result = seed_demo(session, media_dir)
        new = result.created
        click.echo(f"Demo catalog: {result.regions} regions, {result.categories} categories, {result.farms} farms, "
                   f"{result.products} products, {result.variants} variants "
                   f"(new: {new['regions']} regions, {new['categories']} categories, {new['farms']} farms, "
                   f"{new['products']} products, {new['variants']} variants).")
        if synthetic:
            click.echo(f"Generating {synthetic:,} synthetic products…")
            seed_synthetic(session, synthetic, media_dir, batch_size=batch_size, progress=click.echo)
    click.echo(f"Done in {time.monotonic() - started:.1f} s.")
