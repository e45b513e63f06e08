"""Django's PostgreSQL backend with a health check that costs no round trip, and prepared
statements for the query every page starts with.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a connection. A kept page (projects/pagecache.py) answers from one
query, so that check was half its round trips. A connection the server has ended
(``pg_terminate_backend``, a restart, a proxy that closed it) has something to read on its
socket while idle: the server's farewell or the end of the stream. An idle connection
with nothing to read, in no transaction, is as usable as ``SELECT 1`` would tell — and
a peer that vanished without a word would hold ``SELECT 1`` too, until the TCP timeout.

``prepared_cursor()`` binds parameters on the server, so psycopg prepares a query it has
run ``prepare_threshold`` (5) times on a connection: PostgreSQL then parses and plans it
once per connection instead of each time (the session query of projects/sessions.py
plans in four times the time it runs). Django's other queries keep client-side binding.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseOperations(base.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # A query bound on the server has no client-side text: compose it for the log.
        query = super().last_executed_query(cursor, sql, params)
        return self.compose_sql(sql, params) if query is None else query


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _bind_on_server = False

    def get_connection_params(self):
        params = super().get_connection_params()
        if "prepare_threshold" not in self.settings_dict["OPTIONS"]:
            # Django turns preparing off for poolers that cannot keep prepared statements
            # (PgBouncer's transaction mode): set OPTIONS["prepare_threshold"] = None there.
            params["prepare_threshold"] = 5
        return params

    def prepared_cursor(self):
        """``cursor()``, with server-side binding (see above)."""
        self._bind_on_server = True
        try:
            return self.cursor()
        finally:
            self._bind_on_server = False

    def create_cursor(self, name=None):
        if name or not self._bind_on_server:
            return super().create_cursor(name)
        factory = self.connection.cursor_factory
        self.connection.cursor_factory = base.ServerBindingCursor
        try:
            return super().create_cursor()
        finally:
            self.connection.cursor_factory = factory

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            readable, _w, _x = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
