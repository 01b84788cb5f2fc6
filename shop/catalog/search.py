"""Bilingual product search: jieba segmentation into SQLite FTS5 or PostgreSQL full-text indexes.

Neither database can split Chinese into words, so we do it here: every product becomes a document
of space-separated tokens in three weighted fields —

- ``names``: Chinese and English names, the pinyin of the Chinese name (``songrong`` and
  ``song rong``) and its single characters, so a partial name such as 松 still hits;
- ``places``: farm name and county, region, category and origin;
- ``body``: the descriptions.

Chinese is cut with jieba in search-engine mode (``黑木耳`` → ``黑木 木耳 黑木耳``) with the user
dictionary ``search_words.txt`` of specialties and place names; English is lower-cased and split
on anything that is not a letter or digit.  A query is cut in jieba's precise mode (the document
already holds every part of a word) and its terms are ANDed; looser matches follow only when that
finds nothing (see ``candidates``).

SQLite keeps the document in the FTS5 table ``product_fts`` (rowid = product id) and ranks with
bm25 and column weights; PostgreSQL keeps it in ``product_search`` as a weighted ``tsvector``
(configuration ``simple``, GIN index), ranks with ``ts_rank``, and copies the product's listing
columns (region, category, farm, featured, price, created) beside it so that a search filters,
counts and sorts within that one table.  Both are created by migration 0002; only active products
have an entry, and ``shop.catalog.services.refresh_product`` keeps entries in step with edits.

Query text never reaches either engine's query syntax: terms are reduced to letters and digits
before they are quoted, so ``"``, ``*``, ``OR``, ``NEAR``, parentheses or ``<script>`` are just
words (or nothing).
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import warnings
from dataclasses import dataclass
from typing import Iterable, Iterator

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, joinedload

from shop.catalog.models import Product, ProductStatus

USER_DICTIONARY = os.path.join(os.path.dirname(__file__), "search_words.txt")

# bm25 weights of the FTS5 columns (names, places, body); PostgreSQL uses weights A, B and D.
FTS_WEIGHTS = (10.0, 3.0, 1.0)

# English words too common to help, left out of documents and queries alike.
STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or than that the their them then they "
    "this to with".split())

# A query is cut into at most this many terms; more only slows the engine without narrowing much.
MAX_TERMS = 12

_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, in any script
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LIKE_SPECIAL = re.compile(r"([\\%_])")

_fts = sa.table("product_fts", sa.column("rowid"), sa.column("names"), sa.column("places"),
                sa.column("body"))
_pg = sa.table("product_search", sa.column("product_id"), sa.column("region_id"), sa.column("category_id"),
               sa.column("farm_id"), sa.column("featured"), sa.column("price_from_fen"),
               sa.column("created_at"), sa.column("tsv", postgresql.TSVECTOR))

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
    """Pinyin of each Chinese word of ``text``: whole (``songrong``) and per syllable."""
    from pypinyin import Style, lazy_pinyin

    for word in _words(text, search_mode=False):
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
    else:
        session.execute(sa.text("DELETE FROM product_search WHERE product_id = :id"), {"id": product_id})


def rebuild_index(session: Session, batch_size: int = 500) -> int:
    """Re-index every active product and drop every other entry; returns the number indexed.

    For bulk loads and repairs; ordinary edits go through ``refresh_product``.
    """
    if _dialect(session) == "sqlite":
        session.execute(sa.text("DELETE FROM product_fts"))
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
    # order inside the index table and join ``product`` only for the page it shows.
    "INSERT INTO product_search (product_id, region_id, category_id, farm_id, featured, price_from_fen, "
    "created_at, tsv) "
    "SELECT id, region_id, category_id, farm_id, featured, price_from_fen, created_at, "
    # Descriptions are stripped of positions (ts_rank then counts them at the lowest weight, D):
    # they are the bulk of a document, and a narrow row is what keeps a search fast.
    "setweight(to_tsvector('simple', :names), 'A') || setweight(to_tsvector('simple', :places), 'B') || "
    "strip(to_tsvector('simple', :body)) "
    "FROM product WHERE id = :id "
    "ON CONFLICT (product_id) DO UPDATE SET region_id = EXCLUDED.region_id, "
    "category_id = EXCLUDED.category_id, farm_id = EXCLUDED.farm_id, featured = EXCLUDED.featured, "
    "price_from_fen = EXCLUDED.price_from_fen, created_at = EXCLUDED.created_at, tsv = EXCLUDED.tsv")


def write_documents(session: Session, rows: list[tuple[int, SearchDocument]]) -> None:
    """Insert or replace ready-made documents, ``[(product_id, document), ...]``, in one batch.

    For bulk loaders that build documents themselves; the products must be flushed and active.
    """
    if not rows:
        return
    if _dialect(session) == "sqlite":
        # FTS5 has no UPSERT; replace by rowid.
        session.execute(sa.text("DELETE FROM product_fts WHERE rowid = :id"), [{"id": pid} for pid, _ in rows])
        session.execute(
            sa.text("INSERT INTO product_fts (rowid, names, places, body) VALUES (:id, :names, :places, :body)"),
            [{"id": pid, "names": d.names, "places": d.places, "body": d.body} for pid, d in rows])
        return
    session.execute(_PG_UPSERT, [{"id": pid, "names": d.names, "places": d.places, "body": d.body}
                                 for pid, d in rows])


_write = write_documents  # the name bulk loaders used before write_documents was public


# --- matching -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Listing filters a search applies inside the index (ids, already checked by the caller)."""

    region_id: int | None = None
    category_id: int | None = None
    farm_id: int | None = None


def candidates(session: Session, text: str, scope: Scope = Scope()) -> Iterator[sa.Subquery]:
    """Ways to match ``text`` within ``scope``, strictest first; the caller takes the first that
    finds something.  Each is a subquery of active products with the columns ``product_id``,
    ``score`` (higher is more relevant), ``featured``, ``price_from_fen`` and ``created_at``.

    1. every term as a whole token of the index;
    2. Latin and pinyin terms also as the start of a token (``ginsen`` → ginseng);
    3. Chinese terms as their single characters, which names hold one by one, so any run of
       characters from a name finds it, however jieba cut the name;
    4. the query words as substrings of the English or Chinese name (LIKE), for the parts of Latin
       words the index cannot find (step 3 already covers Chinese, so this runs only for queries
       with letters or digits: it reads the whole product table);
    5. any term of two or more characters.

    Only the index is read until step 4.  Yields nothing for a query without a letter or digit.
    """
    terms = query_terms(text)
    if not terms:
        return
    yield _ranked(session, terms, scope, require_all=True, prefix=False)
    prefixable = any(_is_prefixable(t) for t in terms)
    if prefixable:
        yield _ranked(session, terms, scope, require_all=True, prefix=True)
    characters = list(dict.fromkeys(c for t in terms for c in (_HAN.findall(t) if _HAN.match(t) else [t])))
    if characters != terms:
        yield _ranked(session, characters, scope, require_all=True, prefix=prefixable)
    words = [w for w in text.split() if _WORD.search(w)][:MAX_TERMS]
    if any(_WORD.search(_HAN.sub("", w)) for w in words):
        yield _substring(words, scope)
    longer = [t for t in terms if len(t) > 1]
    if len(terms) > 1 and longer:
        yield _ranked(session, longer, scope, require_all=False, prefix=False)


def _is_prefixable(term: str) -> bool:
    # Chinese terms are whole dictionary words or single characters, both indexed as they are.
    return len(term) >= 3 and not _HAN.search(term)


def _ranked(session: Session, terms: list[str], scope: Scope, require_all: bool, prefix: bool) -> sa.Subquery:
    if _dialect(session) == "sqlite":
        # Terms hold only letters and digits, so quoting them is all the escaping FTS5 needs.
        expression = (" AND " if require_all else " OR ").join(
            f'"{t}"*' if prefix and _is_prefixable(t) else f'"{t}"' for t in terms)
        score = -sa.func.bm25(sa.literal_column("product_fts"), *FTS_WEIGHTS)
        stmt = (
            sa.select(Product.id.label("product_id"), score.label("score"), Product.featured,
                      Product.price_from_fen, Product.created_at)
            .select_from(_fts)
            .join(Product, Product.id == _fts.c.rowid)
            .where(sa.literal_column("product_fts").op("MATCH")(sa.literal(expression)),
                   Product.status == ProductStatus.ACTIVE, *_scope_on(Product.__table__.c, scope))
        )
        return stmt.subquery("matched")
    # Only active products have an entry (see services.refresh_product), so no status test here.
    expression = (" & " if require_all else " | ").join(
        f"'{t}':*" if prefix and _is_prefixable(t) else f"'{t}'" for t in terms)
    tsquery = sa.func.to_tsquery(sa.cast(sa.literal("simple"), postgresql.REGCONFIG), sa.literal(expression))
    stmt = (
        sa.select(_pg.c.product_id, sa.func.ts_rank(_pg.c.tsv, tsquery).label("score"), _pg.c.featured,
                  _pg.c.price_from_fen, _pg.c.created_at)
        .where(_pg.c.tsv.op("@@")(tsquery), *_scope_on(_pg.c, scope))
        # OFFSET 0 keeps this a separate step, so the rank is computed as rows are read and the
        # listing's count(*) OVER () buffers narrow rows instead of whole tsvectors.
        .offset(0)
    )
    return stmt.subquery("matched")


def _scope_on(columns, scope: Scope) -> list[sa.ColumnElement[bool]]:
    where = []
    for name in ("region_id", "category_id", "farm_id"):
        value = getattr(scope, name)
        if value is not None:
            where.append(columns[name] == value)
    return where


def _substring(words: list[str], scope: Scope) -> sa.Subquery:
    clauses = []
    for word in words:
        pattern = "%" + _LIKE_SPECIAL.sub(r"\\\1", word) + "%"
        clauses.append(sa.or_(Product.name_zh.like(pattern, escape="\\"),
                              Product.name_en.ilike(pattern, escape="\\")))
    stmt = (
        sa.select(Product.id.label("product_id"), sa.literal(0.0, sa.Float).label("score"), Product.featured,
                  Product.price_from_fen, Product.created_at)
        .where(Product.status == ProductStatus.ACTIVE, *_scope_on(Product.__table__.c, scope), *clauses)
    )
    return stmt.subquery("matched")
