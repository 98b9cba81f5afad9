"""Index writes: entries from documents, the vocabulary counts, the nightly compaction, the recount.

Every write runs under the index lock (``connection.lock``), so the vocabulary counts in
``search_term`` stay exact however many workers index at once.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from search import language
from search.backends.base import batches  # noqa: F401  (re-exported: the backend and the bench batch writes)
from search.documents import ProductDocument, VillageDocument

from .sql import AND, Sql, param


def _texts(**fields: str) -> tuple[dict[str, str], list[str]]:
    texts = {name: language.clean(value) for name, value in fields.items()}
    return texts, sorted({word for value in texts.values() for word in value.split()})


def product_row(d: ProductDocument) -> dict:
    """The entry of a product document, as the upsert reads it."""
    texts, words = _texts(
        a=d.name, a_en=d.name_en, b=" ".join(d.category_names + d.commodity_names), c=d.description,
        c_en=d.description_en, d=" ".join((d.producer_name, d.village_name, d.district_name)))
    return {
        "product_id": d.id, "name": d.name[:200], "name_en": d.name_en[:200], **texts,
        "s": language.clean(f"{d.name} {d.name_en}"), "words": words, "producer_id": d.producer_id,
        "category_slug": d.category_slug, "category_path": d.category_path, "commodity_slug": d.commodity_slug,
        "district_code": d.district_code, "village_code": d.village_code, "certifications": d.certifications,
        "retail_ready": d.retail_ready, "in_stock": d.in_stock, "retail_price": d.retail_price,
        "wholesale_price": d.wholesale_price, "min_order_qty": d.min_order_qty,
        "approved_at": d.approved_at.isoformat(), "sales_score": d.sales_score,
        "quality": d.quality,
    }


def village_row(d: VillageDocument) -> dict:
    """The entry of a village document, as the upsert reads it."""
    texts, words = _texts(a=d.name, b=" ".join(d.commodity_names), c=d.story, d=d.district_name)
    return {
        "village_code": d.code, "name": d.name[:100], **texts, "s": language.clean(d.name), "words": words,
        "district_code": d.district_code, "stage": d.stage, "stage_index": d.stage_index,
        "commodity_slugs": d.commodity_slugs, "producers": d.producers, "listed_products": d.listed_products,
        "quality": d.quality,
    }


# One statement writes a batch of product entries and their words (one JSON parameter, one round trip).
# Measured and left: making the repeated texts' tsvectors once per distinct text (the category and commodity
# names, the producer's) saved none of the statement's time; the weighted concatenation costs as much.
_PRODUCT_UPSERT = """
    WITH r AS MATERIALIZED (
        SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
            product_id bigint, name text, name_en text, a text, a_en text, b text, c text, c_en text, d text, s text,
            words text[], producer_id bigint, category_slug text, category_path varchar[], commodity_slug text,
            district_code text, village_code text, certifications varchar[], retail_ready boolean, in_stock boolean,
            retail_price bigint, wholesale_price bigint, min_order_qty integer, approved_at timestamptz,
            sales_score float8, quality float8)),
    words AS (
        INSERT INTO {words_table} (product_id, words) SELECT r.product_id, r.words FROM r
        ON CONFLICT (product_id) DO UPDATE SET words = EXCLUDED.words)
    INSERT INTO {table} (
        product_id, name, name_en, document, suggest, producer_id, category_slug, category_path,
        commodity_slug, district_code, village_code, certifications, retail_ready, in_stock, retail_price,
        wholesale_price, min_order_qty, approved_at, sales_score, quality, indexed_at)
    SELECT r.product_id, r.name, r.name_en,
           setweight(to_tsvector(%(cfg)s::regconfig, r.a), 'A') || setweight(to_tsvector('english', r.a_en), 'A')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.b) || to_tsvector('english', r.b), 'B')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.c), 'C') || setweight(to_tsvector('english', r.c_en), 'C')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.d), 'D'),
           to_tsvector('simple', r.s), r.producer_id, r.category_slug, r.category_path,
           r.commodity_slug, r.district_code, r.village_code, r.certifications, r.retail_ready, r.in_stock,
           r.retail_price, r.wholesale_price, r.min_order_qty, r.approved_at, r.sales_score, r.quality, %(now)s
    FROM r
    ON CONFLICT (product_id) DO UPDATE SET
        name = EXCLUDED.name, name_en = EXCLUDED.name_en, document = EXCLUDED.document,
        suggest = EXCLUDED.suggest, producer_id = EXCLUDED.producer_id,
        category_slug = EXCLUDED.category_slug, category_path = EXCLUDED.category_path,
        commodity_slug = EXCLUDED.commodity_slug, district_code = EXCLUDED.district_code,
        village_code = EXCLUDED.village_code, certifications = EXCLUDED.certifications,
        retail_ready = EXCLUDED.retail_ready, in_stock = EXCLUDED.in_stock, retail_price = EXCLUDED.retail_price,
        wholesale_price = EXCLUDED.wholesale_price, min_order_qty = EXCLUDED.min_order_qty,
        approved_at = EXCLUDED.approved_at, sales_score = EXCLUDED.sales_score, quality = EXCLUDED.quality,
        indexed_at = EXCLUDED.indexed_at
"""

_VILLAGE_UPSERT = """
    INSERT INTO search_villageentry (
        village_code, name, document, suggest, words, district_code, stage, stage_index, commodity_slugs,
        producers, listed_products, quality, indexed_at)
    SELECT r.village_code, r.name,
           setweight(to_tsvector(%(cfg)s::regconfig, r.a), 'A')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.b) || to_tsvector('english', r.b), 'B')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.c), 'C')
           || setweight(to_tsvector(%(cfg)s::regconfig, r.d), 'D'),
           to_tsvector('simple', r.s), r.words, r.district_code, r.stage, r.stage_index, r.commodity_slugs,
           r.producers, r.listed_products, r.quality, %(now)s
    FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
        village_code text, name text, a text, b text, c text, d text, s text, words text[], district_code text,
        stage text, stage_index smallint, commodity_slugs varchar[], producers integer, listed_products integer,
        quality float8)
    ON CONFLICT (village_code) DO UPDATE SET
        name = EXCLUDED.name, document = EXCLUDED.document, suggest = EXCLUDED.suggest, words = EXCLUDED.words,
        district_code = EXCLUDED.district_code, stage = EXCLUDED.stage, stage_index = EXCLUDED.stage_index,
        commodity_slugs = EXCLUDED.commodity_slugs, producers = EXCLUDED.producers,
        listed_products = EXCLUDED.listed_products, quality = EXCLUDED.quality, indexed_at = EXCLUDED.indexed_at
"""

@dataclass(frozen=True)
class Entries:
    """One kind of entry: its table, key, where its words are kept and which vocabulary count it feeds."""

    table: str
    key: str
    key_type: str
    words_table: str  # products keep their words beside the entries (the entries table is compacted)
    column: str  # the search_term count
    upsert: str


PRODUCTS = Entries(table="search_productentry", key="product_id", key_type="bigint[]",
                   words_table="search_productentrywords", column="products", upsert=_PRODUCT_UPSERT)
VILLAGES = Entries(table="search_villageentry", key="village_code", key_type="text[]",
                   words_table="search_villageentry", column="villages", upsert=_VILLAGE_UPSERT)
# While a full rebuild runs, the product entries it writes go into these tables (without the secondary
# indexes), and incremental writes go to both the live tables and these; the rebuild's end swaps them in.
REBUILD_TABLE, REBUILD_WORDS_TABLE = "search_productentry_rebuild", "search_productentrywords_rebuild"


def entries_write(cursor, entries: Entries, *, keys: list, rows: list[dict], config: str) -> tuple[int, int]:
    """Replace the entries of ``keys`` by ``rows`` (the public ones) and keep the vocabulary counts exact.

    Return how many entries were written and how many removed. Run under the index lock.
    """
    delta = _words_delta(cursor, entries, keys=keys, rows=rows)
    public = {row[entries.key] for row in rows}
    removed = _entries_delete(cursor, entries, [k for k in keys if k not in public])
    if entries is not PRODUCTS:
        if rows:
            cursor.execute(entries.upsert.format(table=entries.table),
                           {"cfg": config, "rows": json.dumps(rows), "now": timezone.now()})
    else:
        tables = [(PRODUCTS.table, PRODUCTS.words_table)]
        if rebuild_running(cursor):  # the rebuild's copy must not miss a change made while it runs
            _product_entries_delete(cursor, [k for k in keys if k not in public], table=REBUILD_TABLE,
                                    words_table=REBUILD_WORDS_TABLE)
            tables.append((REBUILD_TABLE, REBUILD_WORDS_TABLE))
        if rows:
            encoded, now = json.dumps(rows), timezone.now()
            for table, words_table in tables:
                cursor.execute(entries.upsert.format(table=table, words_table=words_table),
                               {"cfg": config, "rows": encoded, "now": now})
    vocabulary_add(cursor, {word: n for word, n in delta.items() if n}, column=entries.column)
    return len(rows), removed


def _words_delta(cursor, entries: Entries, *, keys: list, rows: list[dict]) -> Counter[str]:
    """How each word's count changes when the entries of ``keys`` become ``rows``."""
    statement = Sql.format("SELECT w.words FROM unnest({keys}::{key_type}) AS k(key) "
                           "JOIN {words_table} w ON w.{key} = k.key", keys=param(keys), key_type=entries.key_type,
                           words_table=entries.words_table, key=entries.key)
    cursor.execute(*statement.as_statement())
    delta: Counter[str] = Counter()
    for (words,) in cursor.fetchall():
        delta.subtract(words)
    for row in rows:
        delta.update(row["words"])
    return delta


def _entries_delete(cursor, entries: Entries, gone: list) -> int:
    if not gone:
        return 0
    statement = Sql.format("DELETE FROM {table} e USING unnest({gone}::{key_type}) AS k(key) WHERE e.{key} = k.key",
                           table=entries.table, gone=param(gone), key_type=entries.key_type, key=entries.key)
    cursor.execute(*statement.as_statement())
    removed = cursor.rowcount
    if entries is PRODUCTS:
        cursor.execute("DELETE FROM search_productentrywords w USING unnest(%s::bigint[]) AS k(key) "
                       "WHERE w.product_id = k.key", [gone])
    return removed


def _product_entries_delete(cursor, gone: list[int], *, table: str, words_table: str) -> None:
    if gone:
        for name in (table, words_table):
            cursor.execute(f"DELETE FROM {name} e USING unnest(%s::bigint[]) AS k(key) WHERE e.product_id = k.key",
                           [gone])


def vocabulary_add(cursor, delta: dict[str, int], *, column: str) -> None:
    """Add ``delta`` to the words' ``column`` counts; drop the words no entry holds any more."""
    if not delta:
        return
    words = sorted(delta)
    statement = Sql.format(
        """INSERT INTO search_term (word, stem, stem_en, products, villages)
                SELECT x.w, coalesce((ts_lexize('indonesian_stem', x.w))[1], x.w),
                       coalesce((ts_lexize('english_stem', x.w))[1], ''),
                       {products}, {villages}
                FROM unnest({words}::text[], {counts}::int[]) AS x(w, n) ORDER BY x.w
                ON CONFLICT (word) DO UPDATE SET {column} = search_term.{column} + EXCLUDED.{column}""",
        products="x.n" if column == "products" else "0", villages="x.n" if column == "villages" else "0",
        words=param(words), counts=param([delta[w] for w in words]), column=column)
    cursor.execute(*statement.as_statement())
    gone = [w for w in words if delta[w] < 0]  # only a word that lost entries can have none left
    if gone:
        cursor.execute("""DELETE FROM search_term t USING unnest(%s::text[]) AS x(w)
                          WHERE t.word = x.w AND t.products <= 0 AND t.villages <= 0""", [gone])


def vocabulary_recount(cursor) -> None:
    """Count the vocabulary again from the words of every entry (after a rebuild)."""
    cursor.execute("DELETE FROM search_term")
    cursor.execute("""
        INSERT INTO search_term (word, stem, stem_en, products, villages)
        SELECT w, coalesce((ts_lexize('indonesian_stem', w))[1], w),
               coalesce((ts_lexize('english_stem', w))[1], ''), sum(p), sum(v)
        FROM (SELECT unnest(words) AS w, 1 AS p, 0 AS v FROM search_productentrywords
              UNION ALL SELECT unnest(words), 0, 1 FROM search_villageentry) x
        GROUP BY w""")


def stale_villages_delete(cursor, *, started) -> int:
    """Delete the village entries a rebuild begun at ``started`` did not write."""
    cursor.execute(*Sql.format("DELETE FROM {table} WHERE indexed_at < {started}", table=VILLAGES.table,
                               started=param(started)).as_statement())
    return cursor.rowcount


# --- the full rebuild of the product entries ----------------------------------------------------
#
# Rewriting every entry in place maintained the table's thirteen indexes (four of them GIN) row by
# row and left a copy of every row behind (the rebuild changes ``indexed_at``, an indexed column, so
# no update is HOT): 60-70 % of a rebuild's time, and the table twice its size until the compaction
# that followed. A rebuild now fills a copy of the table that has only its primary key, then builds
# the indexes once on the rows in quality order (what the compaction did after it) and swaps it in.
# Incremental writes keep both copies up to date meanwhile (``entries_write``), under the same lock.


def rebuild_running(cursor) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [REBUILD_TABLE])
    return cursor.fetchone()[0]


def rebuild_begin(cursor) -> None:
    """Create the empty tables a rebuild fills (dropping those of a rebuild that died). Run under the index lock."""
    rebuild_abandon(cursor)
    for table, source in ((REBUILD_TABLE, PRODUCTS.table), (REBUILD_WORDS_TABLE, PRODUCTS.words_table)):
        cursor.execute(f"CREATE TABLE {table} (LIKE {source} INCLUDING DEFAULTS INCLUDING STORAGE "
                       f"INCLUDING COMPRESSION)")
        cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (product_id)")


def rebuild_abandon(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {REBUILD_TABLE}, {REBUILD_WORDS_TABLE}")


def rebuild_write(cursor, rows: list[dict], *, after: int, last: int | None, config: str) -> None:
    """Write the entries of the public products with ids in (``after``, ``last``] (``last`` ``None``: no end) and
    delete the others of that range (made private while the rebuild ran). Run under the index lock."""
    conditions = [Sql.format("product_id > {after}", after=param(after)),
                  Sql.format("product_id <> ALL({ids}::bigint[])", ids=param([row["product_id"] for row in rows]))]
    if last is not None:
        conditions.append(Sql.format("product_id <= {last}", last=param(last)))
    for table in (REBUILD_TABLE, REBUILD_WORDS_TABLE):
        cursor.execute(*Sql.format("DELETE FROM {table} WHERE {where}", table=table,
                                   where=AND.join(conditions)).as_statement())
    if rows:
        cursor.execute(PRODUCTS.upsert.format(table=REBUILD_TABLE, words_table=REBUILD_WORDS_TABLE),
                       {"cfg": config, "rows": json.dumps(rows), "now": timezone.now()})


def rebuild_finish(cursor) -> int:
    """Swap the rebuilt product entries in (in quality order, with every index); return how many entries
    the live table held that the rebuilt one does not. Run under the index lock."""
    cursor.execute(f"SELECT count(*) FROM {PRODUCTS.table} e "
                   f"WHERE NOT EXISTS (SELECT 1 FROM {REBUILD_TABLE} r WHERE r.product_id = e.product_id)")
    removed = cursor.fetchone()[0]
    _table_replace(cursor, PRODUCTS.table, source=REBUILD_TABLE)
    cursor.execute(f"DROP TABLE {REBUILD_TABLE}")
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                   [PRODUCTS.words_table])
    (words_key,) = cursor.fetchone()
    cursor.execute(f"DROP TABLE {PRODUCTS.words_table}")
    cursor.execute(f"ALTER TABLE {REBUILD_WORDS_TABLE} RENAME TO {PRODUCTS.words_table}")
    cursor.execute(f"ALTER TABLE {PRODUCTS.words_table} RENAME CONSTRAINT {REBUILD_WORDS_TABLE}_pkey TO {words_key}")
    return removed


def compact(cursor) -> int:
    """Rewrite the product entries in ``quality`` order, with fresh indexes; return how many rows.

    Candidates are read best quality first, so rows stored in that order share pages: a search
    then reads a few hundred pages instead of one page per candidate (about twice as fast).
    Updates and new products land wherever there is room, so the order decays; the nightly task
    restores it. The copy is built beside the live table while searches go on (index writes
    wait on the index lock, and catch up after); the swap at the end drops the old table and
    renames the new one in the same transaction, so searches only wait for that instant.
    Run under the index lock.
    """
    return _table_replace(cursor, PRODUCTS.table, source=PRODUCTS.table)


def _table_replace(cursor, table: str, *, source: str) -> int:
    """Replace ``table`` by a copy of ``source``'s rows in quality order, with ``table``'s indexes built after."""
    new = "search_productentry_compact"
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
           WHERE x.indrelid = %s::regclass ORDER BY i.relname""", [table])
    indexes = cursor.fetchall()
    cursor.execute(f"DROP TABLE IF EXISTS {new}")
    cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING STORAGE "
                   f"INCLUDING COMPRESSION)")
    cursor.execute(f"INSERT INTO {new} SELECT * FROM {source} ORDER BY quality DESC, product_id")
    rows = cursor.rowcount
    renames = [_index_copy(cursor, position, table=table, new=new, index=index)
               for position, index in enumerate(indexes)]
    cursor.execute(f"ANALYZE {new}")
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for statement in renames:
        cursor.execute(statement)
    return rows


def _index_copy(cursor, position: int, *, table: str, new: str, index: tuple) -> str:
    """Create one of ``table``'s indexes (or constraints) on ``new`` under a temporary name; return the rename."""
    name, definition, constraint, constraint_definition = index
    temporary = f"search_compact_{position}"
    if constraint:  # the primary key (and any unique constraint) is re-created as a constraint
        cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {temporary} {constraint_definition}")
        return f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {constraint}"
    statement, count = re.subn(rf"^(CREATE (?:UNIQUE )?INDEX ){re.escape(name)} ON ((?:\S+\.)?){table} ",
                               rf"\g<1>{temporary} ON \g<2>{new} ", definition)
    if count != 1:
        raise RuntimeError(f"Unexpected index definition: {definition}")
    cursor.execute(statement)
    return f"ALTER INDEX {temporary} RENAME TO {name}"
