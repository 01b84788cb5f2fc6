"""Bilingual product search: jieba-segmented documents in SQLite FTS5 or PostgreSQL full-text indexes.

Neither database can split Chinese into words, so we do it here: every product becomes a document
of space-separated tokens in three fields —

- ``names``: Chinese and English names, the pinyin of the Chinese name's words (``songrong`` and
  ``song rong``) and its single characters, so a partial name such as 松 still hits;
- ``places``: farm name and county, region, category and origin;
- ``body``: the descriptions.

Chinese is cut with jieba in search-engine mode (``黑木耳`` → ``黑木 木耳 黑木耳``) with the user
dictionary ``search_words.txt`` of specialties and place names; English is lower-cased and split
on anything that is not a letter or digit.  A query is cut in jieba's precise mode (the document
already holds every part of a word) and its terms are ANDed; looser matches follow only when that
finds nothing (see ``candidates``).

Ranking is cheap on purpose: products whose name holds a query term come first, then the listing
order (featured, then newest).  Nothing scores every match, so a search can walk the listing order
and stop after a page instead of reading the thousands of products a common word matches (see
``statements``); counting stops at a limit too.

SQLite keeps the document in the FTS5 table ``product_fts`` (rowid = product id; the name-hit test
is a ``{names}:`` column filter) and product names in the trigram table ``product_name_trigram``
for the substring fallback.  PostgreSQL keeps ``product_search``: the whole document as a
``tsvector`` without positions (``tsv``), the name tokens apart (``names``), both GIN-indexed, and
a copy of the product's listing columns with a btree per listing order, so that a search filters,
orders and counts inside that one table; the substring fallback uses trigram indexes on the
product names.  Migrations 0002 and 0006 create them; only active products have an entry, and
``shop.catalog.services.refresh_product`` keeps entries in step with edits.

Query text never reaches either engine's query syntax: terms are reduced to letters and digits
before they are quoted, and substrings are quoted or LIKE-escaped, so ``"``, ``*``, ``OR``,
``NEAR``, parentheses or ``<script>`` are just words (or nothing).
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
import tempfile
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, joinedload

from shop.catalog.models import Category, Product, ProductStatus

USER_DICTIONARY = os.path.join(os.path.dirname(__file__), "search_words.txt")

# English words too common to help, left out of documents and queries alike.
STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or than that the their them then they "
    "this to with".split())

# A query is cut into at most this many terms; more only slows the engine without narrowing much.
MAX_TERMS = 12

# A trigram index finds substrings of at least three characters; shorter ones are not looked for.
MIN_SUBSTRING = 3

# How a search reads the listing order (see ``statements``): it walks the first WALK_FACTOR rows for
# each row the page needs, and reads every match instead when that walk finds too few of them
# (under 1 in WALK_FACTOR products match) or would be longer than WALK_LIMIT rows (deep pages).
WALK_FACTOR = 40
WALK_LIMIT = 20_000
# PostgreSQL counts by reading the table, not the index, when the walk finds at least one match in
# DENSE_SHARE rows (see ``_counted``).
DENSE_SHARE = 5

_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, in any script
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LIKE_SPECIAL = re.compile(r"([\\%_])")

_fts = sa.table("product_fts", sa.column("rowid"))
_trigram = sa.table("product_name_trigram", sa.column("rowid"))
_pg = sa.table("product_search", sa.column("product_id"), sa.column("region_id"), sa.column("category_id"),
               sa.column("farm_id"), sa.column("featured"), sa.column("price_from_fen"),
               sa.column("created_at"), sa.column("names", postgresql.TSVECTOR),
               sa.column("tsv", postgresql.TSVECTOR))

_tokenizer = None
_tokenizer_lock = threading.Lock()


# --- segmentation -------------------------------------------------------------------------------

def _cache_dir() -> str:
    if has_app_context():
        return current_app.instance_path
    return tempfile.gettempdir()


def tokenizer():
    """The process's jieba tokenizer with our user dictionary, built once and without log noise.

    jieba caches its prefix dictionary in a file; ours lives in the instance folder (or the
    system's temporary folder outside an app), never inside the installed package.
    """
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.tmp_dir = _cache_dir()
                os.makedirs(tk.tmp_dir, exist_ok=True)
                tk.initialize()
                tk.load_userdict(USER_DICTIONARY)
            _tokenizer = tk
    return _tokenizer


def warm_up() -> None:
    """Load the dictionary now (e.g. before a server forks) instead of on the first search."""
    tokenizer()


def _words(text: str, search_mode: bool) -> Iterator[str]:
    """Lower-cased letter-and-digit words of ``text``; Chinese cut by jieba (no HMM guessing).

    HMM is off so that a string is always cut the same way, in a document and in a query alike.
    """
    if not text:
        return
    tk = tokenizer()
    pieces = tk.cut_for_search(text, HMM=False) if search_mode else tk.cut(text, HMM=False)
    for piece in pieces:
        yield from _WORD.findall(piece.lower())


def _pinyin(text: str) -> Iterator[str]:
    """Pinyin of each Chinese word of ``text``, whole (``songrong``) and per syllable.

    Words are cut in search mode, so the parts of a long word have their pinyin too: 鲜松茸 gives
    ``xiansongrong`` and also ``songrong``.
    """
    from pypinyin import Style, lazy_pinyin

    for word in _words(text, search_mode=True):
        if not _HAN.search(word):
            continue
        syllables = [s for s in lazy_pinyin(word, style=Style.NORMAL) if s.isascii() and s.isalpha()]
        if len(syllables) > 1:
            yield "".join(syllables)
        yield from syllables


def _unique(tokens: Iterable[str]) -> str:
    return " ".join(dict.fromkeys(t for t in tokens if t and t not in STOP_WORDS))


def _without_single_han(tokens: Iterable[str]) -> Iterator[str]:
    # Lone characters outside the name (的, 镇, 村 …) only bloat the index; a one-character query
    # still finds names, whose characters are indexed one by one.
    return (t for t in tokens if not (len(t) == 1 and _HAN.match(t)))


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one product: space-separated tokens per weighted field."""

    names: str
    places: str
    body: str


def document_for(product: Product) -> SearchDocument:
    """The search document of ``product`` (loads its farm, region and category if needed).

    ``names``: both names cut in search mode, the pinyin of the Chinese name and its characters;
    ``places``: origin, farm name and county, region and category names; ``body``: descriptions.
    """
    farm, region, category = product.farm, product.region, product.category

    def cut(*texts: str) -> Iterator[str]:
        for text in texts:
            yield from _words(text or "", search_mode=True)

    names = [*cut(product.name_zh, product.name_en), *_pinyin(product.name_zh),
             *(_HAN.findall(product.name_zh or ""))]
    place_texts = [product.origin_zh, product.origin_en]
    if farm is not None:
        place_texts += [farm.name_zh, farm.name_en, farm.county_zh, farm.county_en]
    if region is not None:
        place_texts += [region.name_zh, region.name_en]
    if category is not None:
        place_texts += [category.name_zh, category.name_en]
    places = _without_single_han(cut(*place_texts))
    body = _without_single_han(cut(product.description_zh, product.description_en))
    return SearchDocument(names=_unique(names), places=_unique(places), body=_unique(body))


def query_terms(text: str) -> list[str]:
    """The terms of a shopper's query: cut like a product name, deduplicated, at most MAX_TERMS."""
    terms = dict.fromkeys(t for t in _words(text, search_mode=False) if t not in STOP_WORDS)
    return list(terms)[:MAX_TERMS]


# --- keeping the index in step ------------------------------------------------------------------

def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_product(session: Session, product: Product) -> None:
    """Insert or replace ``product``'s search entry (the caller's unit of work commits).

    The product row must be flushed: on PostgreSQL the entry copies its listing columns.
    """
    write_documents(session, [(product.id, document_for(product))])


def index_products(session: Session, products: Iterable[Product]) -> int:
    """Insert or replace the entries of many products in one batch; returns how many."""
    rows = [(p.id, document_for(p)) for p in products]
    write_documents(session, rows)
    return len(rows)


def remove_product(session: Session, product_id: int) -> None:
    """Drop ``product_id``'s search entry, if any (hidden and deleted products are not found)."""
    if _dialect(session) == "sqlite":
        session.execute(sa.text("DELETE FROM product_fts WHERE rowid = :id"), {"id": product_id})
        session.execute(sa.text("DELETE FROM product_name_trigram WHERE rowid = :id"), {"id": product_id})
    else:
        session.execute(sa.text("DELETE FROM product_search WHERE product_id = :id"), {"id": product_id})


def rebuild_index(session: Session, batch_size: int = 500) -> int:
    """Re-index every active product and drop every other entry; returns the number indexed.

    For bulk loads and repairs; ordinary edits go through ``refresh_product``.
    """
    if _dialect(session) == "sqlite":
        session.execute(sa.text("DELETE FROM product_fts"))
        session.execute(sa.text("DELETE FROM product_name_trigram"))
    else:
        session.execute(sa.text("DELETE FROM product_search"))
    ids = session.scalars(sa.select(Product.id).where(Product.status == ProductStatus.ACTIVE)
                          .order_by(Product.id)).all()
    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = session.scalars(
            sa.select(Product)
            .options(joinedload(Product.farm), joinedload(Product.region), joinedload(Product.category))
            .where(Product.id.in_(ids[start:start + batch_size]))).all()
        done += index_products(session, chunk)
    return done


_PG_UPSERT = sa.text(
    # The listing columns are copied from the product row so that a search can filter, count and
    # order inside the index table and join ``product`` only for the page it shows.  Nothing reads
    # positions or weights, so the vectors are stripped of them: a narrower row is a faster search.
    "INSERT INTO product_search (product_id, region_id, category_id, farm_id, featured, price_from_fen, "
    "created_at, names, tsv) "
    "SELECT id, region_id, category_id, farm_id, featured, price_from_fen, created_at, "
    "strip(to_tsvector('simple', :names)), "
    "strip(to_tsvector('simple', :everything)) "
    "FROM product WHERE id = :id "
    "ON CONFLICT (product_id) DO UPDATE SET region_id = EXCLUDED.region_id, "
    "category_id = EXCLUDED.category_id, farm_id = EXCLUDED.farm_id, featured = EXCLUDED.featured, "
    "price_from_fen = EXCLUDED.price_from_fen, created_at = EXCLUDED.created_at, names = EXCLUDED.names, "
    "tsv = EXCLUDED.tsv")


def write_documents(session: Session, rows: list[tuple[int, SearchDocument]]) -> None:
    """Insert or replace ready-made documents, ``[(product_id, document), ...]``, in one batch.

    For bulk loaders that build documents themselves; the products must be flushed and active.
    """
    if not rows:
        return
    if _dialect(session) == "sqlite":
        # FTS5 has no UPSERT; replace by rowid.
        ids = [{"id": pid} for pid, _ in rows]
        session.execute(sa.text("DELETE FROM product_fts WHERE rowid = :id"), ids)
        session.execute(
            sa.text("INSERT INTO product_fts (rowid, names, places, body) VALUES (:id, :names, :places, :body)"),
            [{"id": pid, "names": d.names, "places": d.places, "body": d.body} for pid, d in rows])
        session.execute(sa.text("DELETE FROM product_name_trigram WHERE rowid = :id"), ids)
        session.execute(sa.text("INSERT INTO product_name_trigram (rowid, name_zh, name_en) "
                                "SELECT id, name_zh, name_en FROM product WHERE id = :id"), ids)
        return
    session.execute(_PG_UPSERT, [{"id": pid, "names": d.names, "everything": f"{d.names} {d.places} {d.body}"}
                                 for pid, d in rows])


_write = write_documents  # the name bulk loaders used before write_documents was public


# --- matching -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Listing filters a search applies inside the index (ids, already checked by the caller)."""

    region_id: int | None = None
    category_id: int | None = None
    farm_id: int | None = None


@dataclass(frozen=True)
class Match:
    """One way of matching a query (see ``candidates``): index ``terms`` — every one of them
    (``require_all``) or any, Latin and pinyin ones also as the start of a token when ``prefix`` —
    or, when ``substrings`` is set, name substrings, each in the Chinese or the English name."""

    terms: tuple[str, ...] = ()
    require_all: bool = True
    prefix: bool = False
    substrings: tuple[str, ...] = ()


def candidates(text: str) -> Iterator[Match]:
    """Ways to match ``text``, strictest first; the caller takes the first that finds something.

    1. every term as a whole token of the index;
    2. Latin and pinyin terms also as the start of a token (``ginsen`` → ginseng);
    3. Chinese terms as their single characters, which names hold one by one, so any run of
       characters from a name finds it, however jieba cut the name;
    4. the query's words of three or more characters as substrings of the English or Chinese name
       (trigram indexes), for the parts of Latin words the index cannot find (step 3 already
       covers Chinese, so this runs only for queries with letters or digits);
    5. any term of two or more characters.

    Yields nothing for a query without a letter or digit.
    """
    terms = query_terms(text)
    if not terms:
        return
    yield Match(terms=tuple(terms))
    prefixable = any(_is_prefixable(t) for t in terms)
    if prefixable:
        yield Match(terms=tuple(terms), prefix=True)
    characters = list(dict.fromkeys(c for t in terms for c in (_HAN.findall(t) if _HAN.match(t) else [t])))
    if characters != terms:
        yield Match(terms=tuple(characters), prefix=prefixable)
    words = [w for w in text.split() if _WORD.search(w)][:MAX_TERMS]
    if any(_WORD.search(_HAN.sub("", w)) for w in words):
        long_words = tuple(dict.fromkeys(w for w in words if len(w) >= MIN_SUBSTRING))
        if long_words:
            yield Match(substrings=long_words)
    longer = [t for t in terms if len(t) > 1]
    if len(terms) > 1 and longer:
        yield Match(terms=tuple(longer), require_all=False)


def _is_prefixable(term: str) -> bool:
    # Chinese terms are whole dictionary words or single characters, both indexed as they are.
    return len(term) >= 3 and not _HAN.search(term)


# The orders a listing knows, as (column, descending) pairs of the rows ``statements`` rank.  Each
# ends with the product id, so pages never overlap.  "relevance" is name hits first, then
# "featured"; "featured" is featured products first, then newest.
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    "relevance": (("tier", True), ("featured", True), ("created_at", True), ("product_id", True)),
    "featured": (("featured", True), ("created_at", True), ("product_id", True)),
    "newest": (("created_at", True), ("product_id", True)),
    "price": (("price_from_fen", False), ("product_id", False)),
    "price_desc": (("price_from_fen", True), ("product_id", True)),
}


def order_by(sort: str, columns) -> list[sa.ColumnElement]:
    """ORDER BY terms for ``sort`` over ``columns`` (a subquery's ``.c`` with the SORT_KEYS names)."""
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in SORT_KEYS[sort]]


@dataclass(frozen=True)
class SearchPlan:
    """How to run one ``Match`` (see ``plan``): ``shape`` picks the statements, ``params`` fills them."""

    shape: "Shape"
    params: dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """What the statements of a search depend on; everything else is a bound parameter, so the
    statements are built once per shape (``statements``) and reused, compiled, by every search."""

    dialect: str
    substrings: int  # words of a substring match; 0 for index terms
    both_tests: bool  # several terms, all required: a name hit must also match every term
    scope: tuple[str, ...]  # the Scope fields that are set
    sort: str
    walk: bool  # walk the listing order first (see ``statements``); False for deep pages


def plan(session: Session, match: Match, scope: Scope, sort: str, need: int, count_limit: int) -> SearchPlan:
    """The statements and values that find the first ``need`` products of ``match`` in ``scope``
    in ``sort`` order, and count them up to ``count_limit`` (see ``statements``)."""
    dialect = _dialect(session)
    scope_fields = tuple(name for name in ("region_id", "category_id", "farm_id")
                         if getattr(scope, name) is not None)
    params: dict[str, Any] = {name: getattr(scope, name) for name in scope_fields}
    params |= {"need": need, "window": need * WALK_FACTOR, "count_limit": count_limit,
               "category_terms": json.dumps(list(match.terms), ensure_ascii=False)}
    if match.substrings:
        if dialect == "sqlite":
            # One quoted phrase per word ("" escapes a quote); the trigram tokenizer matches substrings.
            params["substrings"] = " AND ".join('"' + w.replace('"', '""') + '"' for w in match.substrings)
        else:
            for k, word in enumerate(match.substrings):
                params[f"substring_{k}"] = "%" + _LIKE_SPECIAL.sub(r"\\\1", word) + "%"
    elif dialect == "sqlite":
        # Terms hold only letters and digits, so quoting them is all the escaping FTS5 needs.
        every = _joined(match, '"{}"', '"{}"*', " AND " if match.require_all else " OR ")
        in_names = "{names} : (" + _joined(match, '"{}"', '"{}"*', " OR ") + ")"
        params |= {"every": every, "in_names": in_names, "named": f"{in_names} AND ({every})"}
    else:
        params |= {"every": _joined(match, "'{}'", "'{}':*", " & " if match.require_all else " | "),
                   "in_names": _joined(match, "'{}'", "'{}':*", " | ")}
    shape = Shape(dialect=dialect, substrings=len(match.substrings),
                  both_tests=match.require_all and len(match.terms) > 1, scope=scope_fields, sort=sort,
                  walk=need * WALK_FACTOR <= WALK_LIMIT)
    return SearchPlan(shape, params)


def _joined(match: Match, whole: str, prefix: str, join: str) -> str:
    return join.join((prefix if match.prefix and _is_prefixable(t) else whole).format(t) for t in match.terms)


@dataclass(frozen=True)
class _Source:
    """Where one dialect finds a match: rows with listing columns, and tests on those rows.

    Tests take a column collection, so that they apply to the table or to a subquery of it."""

    columns: dict[str, sa.ColumnElement]  # product_id, featured, price_from_fen, created_at, and `reads`
    reads: tuple[str, ...]  # the columns the tests below read
    where: list[sa.ColumnElement[bool]]  # active products in scope
    matches: Callable[[Any], sa.ColumnElement[bool]]  # the row matches
    names_hit: Callable[[Any], sa.ColumnElement[bool]]  # a term is in the names or the category (of a match)
    named_match: Callable[[Any], sa.ColumnElement[bool]]  # matches, with a term in the names
    # with a term in the category's names (see ``_category_ids``): matches, but no term in the
    # product's names (None: no such rows)
    category_match: Callable[[Any], sa.ColumnElement[bool]] | None = None
    # SQLite: the matching product ids straight from the index, whatever the scope (the index
    # holds only active products), for counting without reading products.
    matching_ids: sa.Select | None = None


def _sqlite_source(shape: Shape) -> _Source:
    product = Product.__table__
    columns = {"product_id": product.c.id, "featured": product.c.featured,
               "price_from_fen": product.c.price_from_fen, "created_at": product.c.created_at}
    where = [product.c.status == ProductStatus.ACTIVE, *_scope_on(product.c, shape.scope)]

    def rowids(table, name: str, param: str) -> sa.Select:
        match = sa.literal_column(name).bool_op("MATCH")(sa.bindparam(param, type_=sa.String))
        return sa.select(table.c.rowid).where(match)

    if shape.substrings:
        found = rowids(_trigram, "product_name_trigram", "substrings")
        return _Source(columns, (), where, matches=lambda c: c["product_id"].in_(found),
                       names_hit=lambda c: sa.true(), named_match=lambda c: c["product_id"].in_(found),
                       matching_ids=found)
    found = rowids(_fts, "product_fts", "every")
    in_names = rowids(_fts, "product_fts", "in_names")
    named = rowids(_fts, "product_fts", "named")
    columns["category_id"] = product.c.category_id
    return _Source(columns, ("category_id",), where, matches=lambda c: c["product_id"].in_(found),
                   names_hit=lambda c: sa.or_(c["product_id"].in_(in_names), _category_hit(shape, c)),
                   named_match=lambda c: c["product_id"].in_(named), matching_ids=found,
                   # "+ 0": the id lists must not drive the scan (tens of thousands of ids for a
                   # common word), the category index must (see _category_rows)
                   category_match=lambda c: sa.and_((c["product_id"] + 0).in_(found),
                                                    (c["product_id"] + 0).not_in(in_names)))


def _tsquery(param: str) -> sa.ColumnElement:
    # The configuration is written as a regconfig constant: cast from a parameter, it would be
    # looked up row by row, and to_tsquery with it, instead of once when the statement is planned.
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), sa.bindparam(param, type_=sa.String))


def _pg_source(shape: Shape) -> _Source:
    if shape.substrings:
        # Names live in ``product`` (trigram indexes), which has the listing columns and indexes too.
        product = Product.__table__
        columns = {"product_id": product.c.id, "featured": product.c.featured,
                   "price_from_fen": product.c.price_from_fen, "created_at": product.c.created_at,
                   "name_zh": product.c.name_zh, "name_en": product.c.name_en}
        patterns = [sa.bindparam(f"substring_{k}", type_=sa.String) for k in range(shape.substrings)]

        def contains(c):
            return sa.and_(*(sa.or_(c["name_zh"].like(p, escape="\\"), c["name_en"].ilike(p, escape="\\"))
                             for p in patterns))

        return _Source(columns, ("name_zh", "name_en"),
                       [product.c.status == ProductStatus.ACTIVE, *_scope_on(product.c, shape.scope)],
                       matches=contains, names_hit=lambda c: sa.true(), named_match=contains)
    # Only active products have an entry (see services.refresh_product), so no status test here.
    columns = {"product_id": _pg.c.product_id, "featured": _pg.c.featured, "price_from_fen": _pg.c.price_from_fen,
               "created_at": _pg.c.created_at, "category_id": _pg.c.category_id, "names": _pg.c.names,
               "tsv": _pg.c.tsv}
    where = _scope_on(_pg.c, shape.scope)
    every, in_names = _tsquery("every"), _tsquery("in_names")

    def named(c):
        # The names are part of the whole document: one term, or any of them, found in the names
        # is a match already; only "every term" needs both tests.
        if shape.both_tests:
            return sa.and_(c["names"].bool_op("@@")(in_names), c["tsv"].bool_op("@@")(every))
        return c["names"].bool_op("@@")(in_names)

    return _Source(columns, ("category_id", "names", "tsv"), where,
                   matches=lambda c: c["tsv"].bool_op("@@")(every),
                   names_hit=lambda c: sa.or_(c["names"].bool_op("@@")(in_names), _category_hit(shape, c)),
                   named_match=named,
                   category_match=lambda c: sa.and_(c["tsv"].bool_op("@@")(every),
                                                    sa.not_(c["names"].bool_op("@@")(in_names))))


def _category_hit(shape: Shape, c) -> sa.ColumnElement[bool]:
    """The row's category has a query term in its Chinese or English name."""
    return c["category_id"].in_(_category_ids(shape))


def _category_ids(shape: Shape) -> sa.Select:
    """The categories with a query term in their Chinese or English name.

    Tested when searching, not indexed: categories are few and their names short, so a substring
    test on the category table is cheap, and it follows a renamed category at once.
    """
    category = Category.__table__
    label = sa.func.lower(category.c.name_zh + " " + category.c.name_en)
    terms_json = sa.bindparam("category_terms", type_=sa.String)
    if shape.dialect == "sqlite":
        terms = sa.func.json_each(terms_json).table_valued("value")
        contains = sa.func.instr(label, terms.c.value) > 0
    else:
        terms = sa.func.jsonb_array_elements_text(sa.cast(terms_json, postgresql.JSONB)).table_valued("value")
        contains = sa.func.strpos(label, terms.c.value) > 0
    return sa.select(category.c.id).where(sa.exists(sa.select(sa.literal(1)).select_from(terms).where(contains)))


def _scope_on(columns, fields: tuple[str, ...]) -> list[sa.ColumnElement[bool]]:
    return [columns[name] == sa.bindparam(name, type_=sa.Integer) for name in fields]


@functools.lru_cache(maxsize=512)
def statements(shape: Shape) -> tuple[sa.Subquery, sa.ScalarSelect]:
    """The statements of a search of ``shape`` (see ``plan`` for their parameters):

    ``ranked``, the products the match finds: at least the first ``need`` of them in ``sort``
    order (every one when there are fewer), not necessarily more, nor in order — the caller
    orders with ``order_by(sort, ...)`` and takes its page.  Columns: ``product_id``, ``tier``
    (for "relevance", 1 when a term is in the product's names or its category's; else 0) and the
    sort's keys.

    ``counted``, the number of products found, counting no further than ``count_limit``.

    Reading every match to order them costs a row per match, and a common word matches a
    quarter of the catalog.  So ``ranked`` first walks the first ``window`` (``need *
    WALK_FACTOR``) products in ``sort`` order (an index walk) and keeps those that match: if that
    yields ``need`` matches, they are the first ``need``.  For "relevance", name hits must come
    first: when the walk holds ``need`` name hits they are the page; when it holds fewer, every
    name hit is read (they are then rare) and the walk's other matches follow them.  Only when
    the walk finds fewer than ``need`` matches in all (rare words) is every match read and ordered.
    """
    src = _sqlite_source(shape) if shape.dialect == "sqlite" else _pg_source(shape)
    walked = _walked(shape, src) if shape.walk else None
    return _ranked(shape, src, walked), _counted(shape, src, walked)


def _keys(shape: Shape) -> list[str]:
    return [name for name, _ in SORT_KEYS[shape.sort] if name not in ("tier", "product_id")]


def _row(shape: Shape, columns, tier) -> list[sa.ColumnElement]:
    return [columns["product_id"].label("product_id"), sa.cast(tier, sa.Integer).label("tier"),
            *(columns[k].label(k) for k in _keys(shape))]


def _walked(shape: Shape, src: _Source) -> sa.CTE:
    """The matches among the first ``window`` products in the sort's order (for "relevance", the
    "featured" order, with their tier)."""
    relevance = shape.sort == "relevance"
    c = src.columns
    read = ["product_id", *_keys(shape), *src.reads]
    walk = (sa.select(*(c[name].label(name) for name in read)).where(*src.where)
            .order_by(*order_by("featured" if relevance else shape.sort, c))
            .limit(sa.bindparam("window", type_=sa.Integer)).subquery("walk"))
    w = {name: walk.c[name] for name in read}
    return (sa.select(*_row(shape, w, src.names_hit(w) if relevance else sa.literal(0))).where(src.matches(w))
            .cte("walked").prefix_with("MATERIALIZED"))


def _counted(shape: Shape, src: _Source, walked: sa.CTE | None) -> sa.ScalarSelect:
    limit = sa.bindparam("count_limit", type_=sa.Integer)

    def count(found: sa.Select) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(found.limit(limit).subquery("found")).scalar_subquery()

    if src.matching_ids is not None and not shape.scope:
        return count(src.matching_ids)
    planned = count(sa.select(sa.literal(1)).where(*src.where, src.matches(src.columns)))
    if walked is None or shape.dialect == "sqlite":
        return planned
    # PostgreSQL's GIN index lists every match before the first is counted; for a word in a
    # fifth or more of the products (as the walk shows), reading the table until ``count_limit``
    # matches is quicker.  IS TRUE keeps the planner off the index.
    walk_matches = sa.select(sa.func.count()).select_from(walked).scalar_subquery()
    dense = walk_matches * DENSE_SHARE >= sa.bindparam("window", type_=sa.Integer)
    scanned = count(sa.select(sa.literal(1)).where(*src.where, src.matches(src.columns).is_(True)))
    return sa.case((dense, scanned), else_=planned)


def _category_rows(shape: Shape, src: _Source, row) -> sa.Select:
    """Matches whose category, not name, holds a term, found through the category index."""
    c = src.columns
    in_category = _category_hit(shape, c)
    if shape.dialect == "sqlite":
        # Few categories hold a term, if any; without the hint SQLite would scan every product.
        in_category = sa.func.likelihood(in_category, sa.literal_column("0.001"))
    return sa.select(*row(c, sa.literal(1))).where(*src.where, in_category, src.category_match(c))


def _ranked(shape: Shape, src: _Source, walked: sa.CTE | None) -> sa.Subquery:
    relevance = shape.sort == "relevance"
    need = sa.bindparam("need", type_=sa.Integer)

    def row(columns, tier) -> list[sa.ColumnElement]:
        return _row(shape, columns, tier)

    def only_if(stmt: sa.Select, condition: sa.ColumnElement[bool]) -> sa.Select:
        # Each branch below runs only when its condition holds.  PostgreSQL tests an uncorrelated
        # condition once, before the scan; SQLite would test it row by row after the scan, but
        # skips the scan for LIMIT 0.
        if shape.dialect == "sqlite":
            return sa.select(stmt.limit(sa.case((condition, -1), else_=0)).subquery())
        return stmt.where(condition)

    c = src.columns
    everything = (sa.select(*row(c, src.names_hit(c) if relevance else sa.literal(0)))
                  .where(*src.where, src.matches(c)))
    if walked is None:
        return everything.subquery("ranked")
    walk_matches = sa.select(sa.func.count()).select_from(walked).scalar_subquery()
    if not relevance:
        return sa.union_all(
            only_if(everything, walk_matches < need),
            only_if(sa.select(walked), walk_matches >= need),
        ).subquery("ranked")
    walk_hits = sa.select(sa.func.count()).select_from(walked).where(walked.c.tier == 1).scalar_subquery()
    return sa.union_all(
        only_if(everything, walk_matches < need),
        only_if(sa.select(walked).where(walked.c.tier == 1), sa.and_(walk_matches >= need, walk_hits >= need)),
        only_if(sa.select(*row(c, sa.literal(1))).where(*src.where, src.named_match(c)),
                sa.and_(walk_matches >= need, walk_hits < need)),
        *([only_if(_category_rows(shape, src, row), sa.and_(walk_matches >= need, walk_hits < need))]
          if src.category_match else []),
        only_if(sa.select(walked).where(walked.c.tier == 0), sa.and_(walk_matches >= need, walk_hits < need)),
    ).subquery("ranked")
