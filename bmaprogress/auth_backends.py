import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, in front of ModelBackend.

    Lockouts count failures by username and client address, which only an HTTP request
    has. A call without a request (the test client's ``login()``, the shell,
    management commands) is not a login from the web: it is let through to the next
    backend instead of raising ``AxesBackendRequestParameterRequired``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str | None:
    """The client's address for lockouts (settings.AXES_CLIENT_IP_CALLABLE).

    Behind ``BMA_PROXY_COUNT`` reverse proxies, each appending the address it was
    connected from to X-Forwarded-For, the client's address is the entry that many places
    from the right: the one our first proxy wrote. Whatever the client wrote to the left of
    it is never read. A request with fewer entries (a health check from the proxy's host)
    or with no address there keeps REMOTE_ADDR, as with no proxy (``BMA_PROXY_COUNT=0``).
    Werkzeug's ProxyFix(x_for=N) reads the header the same way; django-ipware's proxy count
    does not (it wants one entry more than there are proxies, which one nginx never sends).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.BMA_PROXY_COUNT
    if count < 1:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count].strip()))
    except ValueError:
        return remote
