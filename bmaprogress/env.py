"""Small strict readers of the environment, used by settings.py.

A value that is present but malformed stops the start with a message naming the
variable, rather than falling back silently to a default.
"""

import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
MIN_SECRET_KEY_LENGTH = 50


class MissingEnvironment(ImproperlyConfigured):
    """A setting the production profile cannot start without. manage.py and wsgi.py print
    its message alone, without a traceback."""


def require_env(*names: str) -> None:
    """Stop the start, naming every missing (or empty) variable at once."""
    missing = [name for name in names if not os.environ.get(name, "").strip()]
    if missing:
        listed = ", ".join(missing)
        raise MissingEnvironment(
            f"DJANGO_ENV=production needs these environment variables: {listed} "
            f"(ตั้งค่าตัวแปรต่อไปนี้ก่อนเริ่มระบบ: {listed})."
        )


def require_secret_key(name: str) -> str:
    """A production SECRET_KEY: long and varied enough for `check --deploy`."""
    value = env_str(name)
    if len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < 5:
        raise MissingEnvironment(
            f"{name} must be a random string of at least {MIN_SECRET_KEY_LENGTH} characters "
            f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return value


_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise MissingEnvironment(
                f"The environment variable {name} is required in production "
                f"(ตั้งค่าตัวแปร {name} ก่อนเริ่มระบบ)."
            )
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES["default"]."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("/") and not path.startswith("//"):
            path = path[1:] if path.startswith("/./") else path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": options,
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgres:// or sqlite://)."
    )
