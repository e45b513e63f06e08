"""Personal API tokens (issue 17, item 3).

Our own model rather than django-rest-knox's ``AuthToken``: the tokens page lists each
token's name and when it was last used, which knox's model has no field for; swapping in a
subclass of knox's abstract model (``KNOX_TOKEN_MODEL``) still runs knox's migrations,
which create its own table whatever the setting; and knox's authentication walks every
token of the user on each request to delete the expired ones, so an expired token would
vanish from the list instead of showing as expired. What knox does that matters (a random
key shown once, only a digest kept, a short prefix to find a token by) is ``api.tokens``,
a dozen lines on the standard library.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ใช้"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("ชื่อโทเค็น"), max_length=100)
    # The key's first characters, shown in the list so that a person can tell their
    # tokens apart; the key itself is never stored.
    prefix = models.CharField(_("ส่วนต้นของโทเค็น"), max_length=16)
    # SHA-256 of the key, hex: what a request's key is looked up by.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("ใช้ล่าสุดเมื่อ"), null=True, blank=True)
    expires_at = models.DateTimeField(_("หมดอายุเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("โทเค็น API")
        verbose_name_plural = pgettext_lazy("plural", "โทเค็น API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
