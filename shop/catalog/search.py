"""Bilingual product search: jieba segmentation into SQLite FTS5 or PostgreSQL full-text indexes.

Neither database can split Chinese into words, so we do it here: every product becomes a document
of space-separated tokens in three weighted fields —

- ``names``: Chinese and English names, the pinyin of the Chinese name (``songrong`` and
  ``song rong``) and its single characters, so a partial name such as 松 still hits;
- ``places``: farm, county, village, region, category and origin;
- ``body``: the descriptions.

Chinese is cut with jieba in search-engine mode (``黑木耳`` → ``黑木 木耳 黑木耳``) with the user
dictionary ``search_words.txt`` of specialties and place names; English is lower-cased and split
on anything that is not a letter or digit.  A query is cut the same way and its terms are ANDed.

SQLite keeps the document in the FTS5 table ``product_fts`` (rowid = product id) and ranks with
bm25 and column weights; PostgreSQL keeps it in ``product_search`` with a weighted ``tsvector``
(configuration ``simple``, GIN index) and ranks with ``ts_rank``.  Both are created by migration
0002.  ``shop.catalog.services.refresh_product`` keeps the index in step with product edits.

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
from sqlalchemy.orm import Session

from shop.catalog.models import Product, ProductStatus

USER_DICTIONARY = os.path.join(os.path.dirname(__file__), "search_words.txt")

# bm25 weights of the FTS5 columns (names, places, body); PostgreSQL uses weights A, B and C.
FTS_WEIGHTS = (10.0, 3.0, 1.0)

# A query is cut into at most this many terms; more only slows the engine without narrowing much.
MAX_TERMS = 12

_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, in any script
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LIKE_SPECIAL = re.compile(r"([\\%_])")

_fts = sa.table("product_fts", sa.column("rowid"), sa.column("names"), sa.column("places"),
                sa.column("body"))
_pg = sa.table("product_search", sa.column("product_id"), sa.column("document"),
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
    return " ".join(dict.fromkeys(t for t in tokens if t))


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one product: space-separated tokens per weighted field."""

    names: str
    places: str
    body: str

    @property
    def text(self) -> str:
        return "\n".join((self.names, self.places, self.body))


def document_for(product: Product) -> SearchDocument:
    """The search document of ``product`` (loads its farm, region and category if needed)."""
    farm, region, category = product.farm, product.region, product.category

    def cut(*texts: str) -> Iterator[str]:
        for text in texts:
            yield from _words(text or "", search_mode=True)

    names = [*cut(product.name_zh, product.name_en), *_pinyin(product.name_zh),
             *(_HAN.findall(product.name_zh or ""))]
    place_texts = [product.origin_zh, product.origin_en]
    if farm is not None:
        place_texts += [farm.name_zh, farm.name_en, farm.county_zh, farm.county_en, farm.village_zh,
                        farm.village_en]
    if region is not None:
        place_texts += [region.name_zh, region.name_en]
    if category is not None:
        place_texts += [category.name_zh, category.name_en]
    places = [*cut(*place_texts), *_pinyin(region.name_zh if region is not None else "")]
    body = cut(product.description_zh, product.description_en)
    return SearchDocument(names=_unique(names), places=_unique(places), body=_unique(body))


def query_terms(text: str) -> list[str]:
    """The terms of a shopper's query: cut like a product name, deduplicated, at most MAX_TERMS."""
    return list(dict.fromkeys(_words(text, search_mode=False)))[:MAX_TERMS]


# --- keeping the index in step ------------------------------------------------------------------

def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_product(session: Session, product: Product) -> None:
    """Insert or replace ``product``'s search entry (the caller's unit of work commits)."""
    _write(session, [(product.id, document_for(product))])


def index_products(session: Session, products: Iterable[Product]) -> int:
    """Insert or replace the entries of many products in one batch; returns how many."""
    rows = [(p.id, document_for(p)) for p in products]
    _write(session, rows)
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
    from sqlalchemy.orm import joinedload

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


def _write(session: Session, rows: list[tuple[int, SearchDocument]]) -> None:
    if not rows:
        return
    if _dialect(session) == "sqlite":
        # FTS5 has no UPSERT; replace by rowid.
        session.execute(sa.text("DELETE FROM product_fts WHERE rowid = :id"), [{"id": pid} for pid, _ in rows])
        session.execute(
            sa.text("INSERT INTO product_fts (rowid, names, places, body) VALUES (:id, :names, :places, :body)"),
            [{"id": pid, "names": d.names, "places": d.places, "body": d.body} for pid, d in rows])
        return
    session.execute(
        sa.text(
            "INSERT INTO product_search (product_id, document, tsv) VALUES (:id, :document, "
            "setweight(to_tsvector('simple', :names), 'A') || "
            "setweight(to_tsvector('simple', :places), 'B') || "
            "setweight(to_tsvector('simple', :body), 'C')) "
            "ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document, tsv = EXCLUDED.tsv"),
        [{"id": pid, "document": d.text, "names": d.names, "places": d.places, "body": d.body}
         for pid, d in rows])


# --- matching -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """One way of matching a query, for the listing to filter (and rank) products with.

    ``ranked`` is a subquery of ``(product_id, score)`` (higher score = better) to join on, or
    ``None`` when ``condition`` (a WHERE clause on Product) is the whole match.
    """

    kind: str  # "all", "substring" or "any"
    ranked: sa.Subquery | None = None
    condition: sa.ColumnElement[bool] | None = None


def matches(session: Session, text: str) -> Iterator[Match]:
    """Ways to match ``text``, strictest first: every term in the index, the query words as
    substrings of a name (for rare partial words the segmenter keeps whole), then any term.

    The caller takes the first that finds something.  Yields nothing for a query with no words.
    """
    terms = query_terms(text)
    if not terms:
        return
    yield Match("all", ranked=_ranked(session, terms, require_all=True))
    words = [w for w in text.split() if _WORD.search(w)][:MAX_TERMS]
    if words:
        yield Match("substring", condition=_substring(words))
    if len(terms) > 1:
        yield Match("any", ranked=_ranked(session, terms, require_all=False))


def _ranked(session: Session, terms: list[str], require_all: bool) -> sa.Subquery:
    joiner = " AND " if require_all else " OR "
    if _dialect(session) == "sqlite":
        # Terms hold only letters and digits, so quoting them is all the escaping FTS5 needs.
        expression = joiner.join(f'"{t}"' for t in terms)
        score = -sa.func.bm25(sa.literal_column("product_fts"), *FTS_WEIGHTS)
        return (
            sa.select(_fts.c.rowid.label("product_id"), score.label("score"))
            .where(sa.literal_column("product_fts").op("MATCH")(sa.literal(expression)))
            .subquery("matched")
        )
    expression = (" & " if require_all else " | ").join(f"'{t}'" for t in terms)
    tsquery = sa.func.to_tsquery(sa.cast(sa.literal("simple"), postgresql.REGCONFIG), sa.literal(expression))
    return (
        sa.select(_pg.c.product_id, sa.func.ts_rank(_pg.c.tsv, tsquery).label("score"))
        .where(_pg.c.tsv.op("@@")(tsquery))
        .subquery("matched")
    )


def _substring(words: list[str]) -> sa.ColumnElement[bool]:
    clauses = []
    for word in words:
        pattern = "%" + _LIKE_SPECIAL.sub(r"\\\1", word) + "%"
        clauses.append(sa.or_(Product.name_zh.like(pattern, escape="\\"),
                              Product.name_en.ilike(pattern, escape="\\")))
    return sa.and_(*clauses)
