"""Cursor pagination (no COUNT over 20,000 projects, stable while rows are added): each
view orders by a unique key (``cursor_ordering``), so that a client that pages through a
list meets every row once."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    ordering = "pk"

    def __init__(self):
        # Read per request (settings.BMA_API_PAGE_SIZE / _MAX_PAGE_SIZE), not at import.
        self.page_size = settings.BMA_API_PAGE_SIZE
        self.max_page_size = settings.BMA_API_MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
