"""Login sessions read in one query with what the page needs (settings.SESSION_ENGINE).

Django's database sessions cost a reader's page three round trips to the database before
it can answer from the page cache (projects/pagecache.py): the session, then its user,
then the revision tokens or the project's stamp. Under load each round trip costs more
than the answer itself. Here the session row carries its user's id as a column
(``projects.models.Session``), and the one query that reads the session also brings:

- its user (a join), handed to ``SessionUserBackend.get_user`` instead of a second query;
  Django then checks the session's password hash against it as always;
- the revision tokens ("site", "projects"), read before anything else of the page, as
  the page cache requires (``riders["tokens"]``);
- the stamp of the project a view is about, when the view asked for it before the
  session was read (``ask_for_project``; ``riders["project"]``).

Everything else (saving, expiry, ``clearsessions``, cycling the key at login, flushing at
logout) is Django's database session store, unchanged.
"""

import contextvars
import functools
from typing import NamedTuple

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

# The user read with the session of the request being served: (user id, User). Set when
# a session is read, emptied when a store is made (each request makes one) and when the
# backend takes it, so it never outlives its request.
_session_user = contextvars.ContextVar("bma_session_user", default=None)


def user_id_of(data: dict) -> int | None:
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self.riders: dict = {}
        self._project_code = None
        _session_user.set(None)

    @classmethod
    def get_model_class(cls):
        from projects.models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = user_id_of(data)
        return instance

    def ask_for_project(self, code: str) -> None:
        """Read the stamp of project ``code`` with the session, if it is not read yet."""
        self._project_code = code

    def _get_session_from_db(self):
        row = _read(self.session_key, self._project_code)
        if row.session is None:
            self._session_key = None
            return None
        self.riders = row.riders
        _session_user.set((row.session.user_id, row.user))
        return row.session


class SessionUserBackend(ModelBackend):
    """ModelBackend that takes the user read with the session (no second query) when it is
    the one asked for; any other user, or none read, comes from the database as before."""

    def get_user(self, user_id):
        read = _session_user.get()
        _session_user.set(None)
        if read is not None:
            read_id, user = read
            if user is not None and str(read_id) == str(user_id):
                return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)


class _Row(NamedTuple):
    session: object
    user: object
    riders: dict


def _read(session_key: str, project_code: str | None) -> _Row:
    from projects.models import RevisionToken, Session, User

    sql, user_converters = _statement(connection.vendor, with_project=project_code is not None)
    params = [
        RevisionToken.SITE,
        RevisionToken.PROJECTS,
        session_key,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    if project_code is not None:
        params.append(project_code)
    # PostgreSQL: prepared once per connection (bmaprogress/postgresql/base.py).
    with getattr(connection, "prepared_cursor", connection.cursor)() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    site, projects, session_data, expire_date, user_id = values[:5]
    user_values = values[5 : 5 + len(user_converters)]
    riders = {"tokens": {RevisionToken.SITE: site, RevisionToken.PROJECTS: projects}}
    if project_code is not None:
        stamp = values[5 + len(user_converters) :]
        riders["project"] = (project_code, stamp if stamp[0] is not None else None)
    if session_data is None:
        return _Row(None, None, riders)
    session = Session(
        session_key=session_key,
        session_data=session_data,
        expire_date=_converted(Session._meta.get_field("expire_date"), expire_date),
        user_id=user_id,
    )
    user = None
    if user_values[0] is not None:
        user = User.from_db(
            connection.alias,
            [field.attname for field in User._meta.concrete_fields],
            [
                _apply(converters, value)
                for converters, value in zip(user_converters, user_values, strict=True)
            ],
        )
    return _Row(session, user, riders)


@functools.cache
def _statement(vendor: str, *, with_project: bool) -> tuple[str, list]:
    """The query (the same for every request) and the converters of the user's columns.
    Parameters: the two token scopes, the session key, now, [the project's code]."""
    from projects import pagecache
    from projects.models import Project, RevisionToken, Session, User

    quote = connection.ops.quote_name
    user_fields = User._meta.concrete_fields
    token = f"(SELECT t.token FROM {quote(RevisionToken._meta.db_table)} t WHERE t.scope = %s)"
    columns = [
        token,
        token,
        "s.session_data",
        "s.expire_date",
        "s.user_id",
        *(f"u.{quote(field.column)}" for field in user_fields),
    ]
    joins = [
        f"LEFT JOIN {quote(Session._meta.db_table)} s ON s.session_key = %s AND s.expire_date > %s",
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = s.user_id",
    ]
    if with_project:
        columns += [f"p.{quote(column)}" for column in pagecache.STAMP_COLUMNS]
        joins.append(f"LEFT JOIN {quote(Project._meta.db_table)} p ON p.{quote('code')} = %s")
    sql = f"SELECT {', '.join(columns)} FROM (SELECT 1) one {' '.join(joins)}"
    return sql, [_converters(vendor, field) for field in user_fields]


@functools.cache
def _converters(vendor: str, field) -> list:
    column = field.get_col(field.model._meta.db_table)
    return [
        functools.partial(_call, converter, column)
        for converter in connection.ops.get_db_converters(column)
        + column.get_db_converters(connection)
    ]


def _call(converter, column, value):
    return converter(value, column, connection)


def _apply(converters, value):
    for converter in converters:
        value = converter(value)
    return value


def _converted(field, value):
    """``value`` as the ORM would give it (SQLite keeps datetimes and booleans as text and
    numbers; the backend's converters turn them back)."""
    return _apply(_converters(connection.vendor, field), value)
