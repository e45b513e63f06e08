"""``Authorization: Token <key>`` (or ``Bearer <key>``): a personal API token.

A token and its person are kept in the shared cache by the key's digest for
``TOKEN_CACHE_SECONDS``: a client that polls pays no database query for them (the token's
query was a third of a kept API page's time, 1.5 ms of 6.5 in-process). A token deleted
(revoked) or saved, and its person saved (deactivated, another role or agency), leave the
cache at once (``forget_*``, connected in api.apps); a change by SQL written by hand or by
``QuerySet.update()`` holds for at most ``TOKEN_CACHE_SECONDS``. Expiry is checked on each
request, on the kept copy too."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from reports.api import tokens
from reports.api.models import ApiToken

SCHEMES = (b"token", b"bearer")
# "Last used" is written at most once a minute per token: a client that polls every
# second costs no write per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
TOKEN_CACHE_SECONDS = 60


def _cache_key(digest: str) -> str:
    return f"api-token:{digest}"


def _token(digest: str) -> ApiToken | None:
    key = _cache_key(digest)
    token = cache.get(key)
    if token is None:
        # (Not the password's hash: nothing here needs it, and it is not kept in the cache.)
        token = (
            ApiToken.objects.select_related("user")
            .defer("user__password")
            .filter(digest=digest)
            .first()
        )
        if token is not None:
            cache.set(key, token, TOKEN_CACHE_SECONDS)
    return token


def forget_token(sender, instance: ApiToken, **kwargs) -> None:
    """post_save / post_delete of a token: its kept copy goes."""
    cache.delete(_cache_key(instance.digest))


def forget_users_tokens(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save / post_delete of a person: the kept copies of their tokens go (a login,
    which saves only ``last_login``, changes nothing a token needs)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    digests = ApiToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True)
    cache.delete_many([_cache_key(digest) for digest in digests])


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("รูปแบบโทเค็นไม่ถูกต้อง"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("รูปแบบโทเค็นไม่ถูกต้อง")) from None
        token = _token(tokens.digest(key))
        now = timezone.now()
        if token is None or token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("โทเค็นไม่ถูกต้องหรือหมดอายุแล้ว"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("บัญชีผู้ใช้นี้ถูกระงับ"))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
            cache.set(_cache_key(token.digest), token, TOKEN_CACHE_SECONDS)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without a valid token.
        return "Token"
