"""The read-only JSON API, /api/v1/ (issue 17, item 3), and the personal API tokens.

Built on Django REST framework with drf-spectacular, not django-ninja: class-based
read-only viewsets, filter backends, cursor pagination, throttles on the shared cache and
the OpenAPI 3 schema (with Swagger UI from drf-spectacular-sidecar's static files) come from
one well-kept stack, where django-ninja would need more of our own code for throttling and
cursor pagination.

Its own app, beside ``reports``: like ``reports`` it only reads through the other apps'
rules (``projects.public``, ``projects.permissions``, ``indicators.public`` and the
QuerySet methods) and nothing imports it but the URLs; unlike ``reports`` it has a model of
its own (``ApiToken``) and pages of its own (/account/tokens/), which would otherwise
add migrations and templates to an app about dashboards and printing.

- ``access``: which rows a request may read (anonymous: the public rule; a token: the
  pages' rule for its user);
- ``tokens`` / ``services`` / ``authentication``: personal tokens, stored as a SHA-256
  digest, shown once (``Authorization: Token <key>`` or ``Bearer <key>``);
- ``views`` / ``serializers`` / ``filters`` / ``paging`` / ``polling``: the endpoints, their
  filters, cursor pagination, and the ETag a client polls with (304 when unchanged);
- ``throttles``: per token, and per client address for anonymous requests (429 with
  Retry-After).
"""
