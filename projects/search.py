"""Search over projects: Thai partial words in project names, codes, agencies and the
narratives of the monthly reports.

Thai is written without spaces between words, so a search is a substring match, never a
word match: "ทางเท้า" finds "โครงการปรับปรุงทางเท้าให้เป็น…". Every term of the query must
match somewhere (in any of the fields). On PostgreSQL the substring matches use pg_trgm GIN
indexes (migration 0006 of projects); SQLite scans, which is enough for development.
"""

from django.db.models import Q, QuerySet

from projects import thaidates
from projects.models import ProgressEntry, Project

MAX_TERMS = 5
MAX_TERM_LENGTH = 100


def search_terms(query: str | None) -> list[str]:
    """The terms of a query: Thai digits as Arabic ones (codes are stored with Arabic
    digits), ำ written as ํ + า (as PDFs and some keyboards give it) made one letter, split
    on spaces, without repeats, at most MAX_TERMS."""
    text = thaidates.arabic_digits(query or "").replace("\u0e4d\u0e32", "\u0e33")
    terms: list[str] = []
    for term in text.split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def term_filter(term: str) -> Q:
    """Projects with ``term`` in their name, code, agency name or short name, or in the
    narrative of any of their reports. The narratives are one subquery, not a join, so a
    project with many matching reports comes back once and the page stays one query."""
    narratives = ProgressEntry.objects.filter(narrative__icontains=term).values("project_id")
    return (
        Q(name__icontains=term)
        | Q(code__icontains=term)
        | Q(agency__name__icontains=term)
        | Q(agency__short_name__icontains=term)
        | Q(pk__in=narratives)
    )


def search_projects(projects: QuerySet[Project], query: str | None) -> QuerySet[Project]:
    for term in search_terms(query):
        projects = projects.filter(term_filter(term))
    return projects
