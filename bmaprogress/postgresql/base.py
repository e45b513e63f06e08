"""Django's PostgreSQL backend with prepared statements for the query every page starts
with.

``prepared_cursor()`` binds parameters on the server, so psycopg prepares a query it has
run ``prepare_threshold`` (5) times on a connection: PostgreSQL then parses and plans it
once per connection instead of each time (the session query of projects/sessions.py
plans in four times the time it runs). Django's other queries keep client-side binding.

(The health check stays Django's ``SELECT 1``: a check that only looked at the socket
missed a backend killed a moment before the request, which then answered 503.)
"""

from django.db.backends.postgresql import base


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
