"""Writes of the API app: create and revoke a personal token (keyword-only, atomic, Thai
messages by field, as the other apps' services)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import permissions
from projects.models import User
from reports.api import tokens
from reports.api.models import ApiToken

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def api_token_create(*, user, name: str, expires_on: dt.date | None) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns it and its key, the only time the key is known."""
    if not permissions.can_read(user):
        raise ValidationError(_("ต้องเข้าสู่ระบบก่อนสร้างโทเค็น"))
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("กรุณาตั้งชื่อโทเค็น")
    today = timezone.localdate()
    if expires_on is not None and expires_on <= today:
        errors["expires_on"] = _("วันหมดอายุต้องอยู่หลังวันนี้")
    # Locks the person's row: two requests at once cannot both pass the count.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        errors["name"] = _("มีโทเค็นครบ %(count)d รายการแล้ว กรุณายกเลิกโทเค็นที่ไม่ใช้ก่อน") % {
            "count": MAX_TOKENS_PER_USER
        }
    if errors:
        raise ValidationError(errors)
    key = tokens.new_key()
    expires_at = None
    if expires_on is not None:
        # The token works through the whole of its last day.
        expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=tokens.prefix(key),
        digest=tokens.digest(key),
        expires_at=expires_at,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> None:
    """Revoke (delete) one of ``user``'s own tokens; another's token is not found."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ValidationError(_("ไม่พบโทเค็นนี้"))
