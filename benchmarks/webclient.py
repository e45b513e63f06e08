"""A small HTTP client that behaves like a browser behind the TLS proxy of production.

The production profile sets Secure cookies and checks CSRF the HTTPS way (Origin and
Referer must name the site). A server on loopback speaks plain HTTP, so the client
says what the proxy would (``X-Forwarded-Proto: https``), keeps its cookies itself
(http.cookiejar would not send Secure ones over http) and sends Origin/Referer as a
browser on https://host would. Standard library only; one instance per simulated user
(not shared between threads).
"""

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def csrf_token(self) -> str:
        match = CSRF_INPUT.search(self.text)
        if not match:
            raise AssertionError(f"no CSRF token in {self.url} ({self.status})")
        return match.group(1)


@dataclass
class WebClient:
    host: str
    port: int
    timeout: float = 30.0
    cookies: dict = field(default_factory=dict)
    forwarded_for: str | None = None
    _connection: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def _headers(self, extra: dict | None) -> dict:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "bma-webclient",
            "Accept-Language": "th",
        }
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for raw in response.headers.get_all("Set-Cookie") or []:
            first = raw.split(";", 1)[0]
            name, _, value = first.partition("=")
            expired = "max-age=0" in raw.lower() or "expires=thu, 01 jan 1970" in raw.lower()
            if expired or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Answer:
        started = time.monotonic()
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            try:
                self._connection.request(method, path, body=body, headers=self._headers(headers))
                response = self._connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed meanwhile: open a new one once.
                self.close()
                if attempt == 2:
                    raise
        self._keep_cookies(response)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=data,
            seconds=time.monotonic() - started,
            url=path,
        )

    def get(self, path: str, headers=None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields, *, referer: str | None = None, headers=None) -> Answer:
        """A form POST with the CSRF cookie's token in the fields (``fields`` is a dict or a
        list of pairs, for repeated names)."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        body = urllib.parse.urlencode(pairs).encode()
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + (referer or path),
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=extra)

    def login(self, username: str, password: str) -> Answer:
        page = self.get("/accounts/login/")
        token = page.csrf_token()
        return self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
