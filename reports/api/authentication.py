"""``Authorization: Token <key>`` (or ``Bearer <key>``): a personal API token."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from reports.api import tokens
from reports.api.models import ApiToken

SCHEMES = (b"token", b"bearer")
# "Last used" is written at most once a minute per token: a client that polls every
# second costs no write per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


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
        token = ApiToken.objects.select_related("user").filter(digest=tokens.digest(key)).first()
        now = timezone.now()
        if token is None or token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("โทเค็นไม่ถูกต้องหรือหมดอายุแล้ว"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("บัญชีผู้ใช้นี้ถูกระงับ"))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without a valid token.
        return "Token"
