"""Full-text search of documents behind one interface: SQLite FTS5 or PostgreSQL full-text search.

Both index the rows of ``document_texts``: text already folded (lower case, no diacritics, đ → d)
and reduced to words of ``[a-z0-9]``, so both databases see the same words and neither needs a
Vietnamese dictionary or the unaccent extension. Metadata weighs more than attachment text.

- SQLite: the FTS5 table ``document_fts`` (external content = ``document_texts``, kept in step by
  triggers), ranked by bm25.
- PostgreSQL: the generated column ``document_texts.search_vector`` (metadata weight A, text D) with
  a GIN index, ranked by ts_rank.

The migration creates these objects for its database only; they are not in the SQLAlchemy models,
so ``schema_include_name`` hides them from Alembic's comparison.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import func, literal_column, null, select, table, text

from engine.db import db
from engine.models import DocumentText
from engine.text import fold

FTS_TABLE = "document_fts"
PG_VECTOR = "search_vector"
PG_INDEX = "ix_document_texts_search_vector"
MAX_WORDS = 8
# PostgreSQL refuses a tsvector over 1 MB: the indexed attachment text of one document is capped.
MAX_BODY_CHARS = 400_000

_WORD = re.compile(r"[a-z0-9]+")

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(meta, body, content='document_texts', "
    "content_rowid='document_id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER document_texts_ai AFTER INSERT ON document_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, meta, body) VALUES (new.document_id, new.meta, new.body); END",
    f"CREATE TRIGGER document_texts_ad AFTER DELETE ON document_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, meta, body) VALUES ('delete', old.document_id, old.meta, old.body); "
    "END",
    f"CREATE TRIGGER document_texts_au AFTER UPDATE ON document_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, meta, body) VALUES ('delete', old.document_id, old.meta, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, meta, body) VALUES (new.document_id, new.meta, new.body); END",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS document_texts_au", "DROP TRIGGER IF EXISTS document_texts_ad",
               "DROP TRIGGER IF EXISTS document_texts_ai", f"DROP TABLE IF EXISTS {FTS_TABLE}")
POSTGRES_DDL = (
    f"ALTER TABLE document_texts ADD COLUMN {PG_VECTOR} tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple', meta), 'A') || setweight(to_tsvector('simple', body), 'D')) STORED",
    f"CREATE INDEX {PG_INDEX} ON document_texts USING gin ({PG_VECTOR})",
)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE document_texts DROP COLUMN IF EXISTS {PG_VECTOR}")


def words(text: str | None) -> list[str]:
    """The search words of ``text``: folded, split on everything but letters and digits."""
    return _WORD.findall(fold(text))


def index_text(*parts: str | None) -> str:
    return " ".join(w for part in parts for w in words(part))


def _estimated_matches(terms: str) -> int:
    plan = db.session.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM document_texts WHERE {PG_VECTOR} @@ "
                                   "plainto_tsquery('simple', :terms)"), {"terms": terms}).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def create_objects(dialect: str, execute) -> None:
    """Create the index objects of ``dialect`` (the migration calls this)."""
    for statement in {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(dialect, ()):
        execute(statement)


def drop_objects(dialect: str, execute) -> None:
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(dialect, ()):
        execute(statement)


def schema_include_name(name, type_, parent_names) -> bool:
    """Alembic hook: the index objects created outside the models are not schema drift."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ in ("column", "index") and name in (PG_VECTOR, PG_INDEX))


# Below this many matches (PostgreSQL's estimate), the matching ids are read from the GIN index first;
# above, the newest documents are checked one by one until enough match (see ``index_first``).
FEW_MATCHES = 15_000


def index_first(query: str) -> bool:
    """Whether the documents matching ``query`` are best found from the index first, then narrowed
    (PostgreSQL, a word found in few documents), rather than by checking candidates one by one.

    Checking a document's vector costs a detoast (~10 µs), and the planner, which cannot tell how many
    documents a person sees, would check every one they see. A word found in few documents is cheaper
    the other way round: its ids from the GIN index, then kept if visible."""
    found = words(query)[:MAX_WORDS]
    if not found or db.engine.dialect.name != "postgresql":
        return False
    return _estimated_matches(" ".join(found)) <= FEW_MATCHES


def matches(query: str, *, ranked: bool = True, first: bool = False):
    """A subquery of (document_id, score) of the documents matching every word of ``query``
    (higher score = more relevant; None unless ``ranked``), or None when ``query`` has no words.
    ``first`` (see :func:`index_first`): read on its own, before anything it is joined with."""
    found = words(query)[:MAX_WORDS]
    if not found:
        return None
    if db.engine.dialect.name == "postgresql":
        vector = literal_column(f"document_texts.{PG_VECTOR}")
        tsquery = func.plainto_tsquery("simple", " ".join(found))
        score = func.ts_rank(vector, tsquery) if ranked else null()
        hits = select(DocumentText.document_id.label("document_id"), score.label("score")).where(vector.op("@@")(tsquery))
        return hits.cte("hits").prefix_with("MATERIALIZED") if first else hits.subquery("hits")
    fts = table(FTS_TABLE)
    score = -func.bm25(literal_column(FTS_TABLE), 10.0, 1.0) if ranked else null()
    expression = " ".join(f'"{w}"' for w in found)
    return (select(literal_column(f"{FTS_TABLE}.rowid").label("document_id"), score.label("score"))
            .select_from(fts).where(literal_column(FTS_TABLE).op("MATCH")(expression)).subquery("hits"))
