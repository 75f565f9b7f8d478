"""Finding documents (API.md "Documents" and "Registers, statistics, search"): metadata and the text
of attached files, ignoring diacritics and case, ranked, with a snippet; filters by direction,
status, type, sender, date, unit. Results respect visibility exactly as the document list does:
the same rule (``visible_ids``, the set form of ``visible_filter``) is the first condition of every query.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.models import Attachment, AttachmentText, Document, ProcessingLine, User
from engine.models.documents import Status
from engine.processing.access import visible_ids
from engine.processing.overview import STATES, documents_in_state
from engine.records import fulltext, snippets
from engine.text import fold
from engine.validation import MAX_PAGE, Fields, parse_id

PAGE_SIZE = 20
RANKED_AT_MOST = 1_000
DIRECTIONS = ("incoming", "outgoing")
# The query parameters a search is made of (and a saved search keeps).
PARAMS = ("q", "direction", "status", "doc_type", "sender", "date_from", "date_to", "unit", "state")


@dataclass
class SearchFilter:
    q: str | None = None
    direction: str | None = None
    status: str | None = None
    doc_type: str | None = None
    sender: str | None = None
    date_from: date | None = None  # on the document's date (ngày văn bản)
    date_to: date | None = None
    unit: str | None = None
    state: str | None = None  # with ``unit``: waiting, in_progress, overdue, due_this_week
    page: int = 1
    per_page: int = PAGE_SIZE

    def params(self) -> dict:
        """The filter as query parameters (empty ones left out)."""
        values = asdict(self)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
                if k in PARAMS and v not in (None, "")}


@dataclass
class Hit:
    document: Document
    score: float | None = None
    snippet: snippets.Snippet | None = None


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True  # False: at least ``total`` documents match


def parse_filter(args: dict, *, strict: bool = True) -> SearchFilter:
    """A SearchFilter from query parameters; bad values raise InvalidInput (strict) or are dropped."""
    f = Fields(dict(args))
    flt = SearchFilter(
        q=f.text("q", max_len=300), direction=f.choice("direction", DIRECTIONS),
        status=f.choice("status", sorted(set(Status.INCOMING + Status.OUTGOING))),
        doc_type=f.choice("doc_type", list(DOC_TYPES)), sender=f.text("sender", max_len=300),
        date_from=f.day("date_from"), date_to=f.day("date_to"), unit=f.text("unit", max_len=35),
        state=f.choice("state", STATES))
    for name, most in (("page", MAX_PAGE), ("per_page", 200)):
        if args.get(name):
            number = parse_id(args[name])
            if number is None or number > most:
                f.errors[name] = f"Phải là số nguyên từ 1 đến {most}."
            else:
                setattr(flt, name, number)
    if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
        f.errors["date_to"] = "Ngày kết thúc không được trước ngày bắt đầu."
    if strict:
        f.raise_if_errors()
    return flt


def _unit_condition(unit: str, state: str | None):
    if state:
        return documents_in_state(unit, state)
    handled = select(ProcessingLine.document_id).where(ProcessingLine.unit_code == unit)
    drafted = select(User.id).where(User.unit_code == unit)
    return or_(Document.id.in_(handled), Document.created_by_id.in_(drafted))


def _filtered(query, flt: SearchFilter):
    if flt.direction:
        query = query.filter(Document.direction == flt.direction)
    if flt.status:
        query = query.filter(Document.status == flt.status)
    if flt.doc_type:
        query = query.filter(Document.doc_type == flt.doc_type)
    if flt.sender:
        query = query.filter(or_(Document.sender_org_id == flt.sender.strip().upper(),
                                 Document.search_text.contains(fold(flt.sender), autoescape=True)))
    if flt.date_from:
        query = query.filter(Document.issued_on >= flt.date_from)
    if flt.date_to:
        query = query.filter(Document.issued_on <= flt.date_to)
    if flt.unit:
        query = query.filter(_unit_condition(flt.unit, flt.state))
    return query


def find(user: User, flt: SearchFilter) -> Results:
    """The page ``flt.page`` of the documents ``user`` may see that match ``flt``.

    With words in ``q``: the best matches first (metadata weighs more than file text), each with a
    snippet of the file text when a word was found there; without: newest first. When more than
    RANKED_AT_MOST documents match (a word found nearly everywhere says little about relevance),
    they come newest first too and are counted no further (``total_exact`` is False): scoring or
    counting every one of them would make the search slow.
    """
    words = fulltext.words(flt.q)[:fulltext.MAX_WORDS]
    offset = (flt.page - 1) * flt.per_page
    visible = visible_ids(user)
    if not words:
        query = _filtered(db.session.query(Document), flt)
        if visible is not None:
            query = query.filter(Document.id.in_(select(visible.c.id)))
        total = query.with_entities(func.count(Document.id)).scalar()
        page = query.order_by(Document.id.desc()).offset(offset).limit(flt.per_page).all()
        return Results(hits=[Hit(doc) for doc in page], total=total)
    first = fulltext.index_first(flt.q)
    matching = select(fulltext.matches(flt.q, ranked=False, first=first).c.document_id)
    query = _filtered(db.session.query(Document.id), flt)
    if visible is None:
        query = query.filter(Document.id.in_(matching))
    elif first:
        # The few matches are narrowed to the visible ones before any document is read (INTERSECT
        # keeps the planner from joining the other way round).
        query = query.filter(Document.id.in_(matching.intersect(select(visible.c.id))))
    else:
        query = query.filter(Document.id.in_(select(visible.c.id)), Document.id.in_(matching))
    # The matching ids, newest first, read once: the limit lets the database stop early instead of
    # reading every match, and the page of an unranked search is cut from them.
    ids = [i for (i,) in query.order_by(Document.id.desc()).limit(RANKED_AT_MOST + 1)]
    if len(ids) <= RANKED_AT_MOST:
        hits = fulltext.matches(flt.q)
        page = (db.session.query(Document, hits.c.score).join(hits, hits.c.document_id == Document.id)
                .filter(Document.id.in_(ids)).order_by(hits.c.score.desc(), Document.id.desc())
                .offset(offset).limit(flt.per_page).all())
    else:
        wanted = ids[offset:offset + flt.per_page] if offset < RANKED_AT_MOST else []
        documents = {doc.id: doc for doc in db.session.query(Document).filter(Document.id.in_(wanted))}
        page = [(documents[i], None) for i in wanted]
    results = Results(hits=[Hit(doc, score) for doc, score in page], total=min(len(ids), RANKED_AT_MOST),
                      total_exact=len(ids) <= RANKED_AT_MOST)
    _add_snippets(results.hits, words)
    return results


def _add_snippets(hits: list[Hit], words: list[str]) -> None:
    ids = [h.document.id for h in hits]
    texts: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for document_id, name, text in db.session.execute(
            select(Attachment.document_id, Attachment.name, AttachmentText.text)
            .join(AttachmentText, AttachmentText.sha256 == Attachment.sha256)
            .where(Attachment.document_id.in_(ids), AttachmentText.text != "")
            .order_by(Attachment.document_id, Attachment.position)):
        texts[document_id].append((name, text))
    for hit in hits:
        hit.snippet = snippets.find(texts[hit.document.id], words)
