"""Rate limits on the shared cache (DRF throttles: 429 with Retry-After): per token for
requests with one, per client address for anonymous ones. The rates are settings
(``BMA_API_RATES``), read on each request so that a test or an operator can change them."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from reports.api.models import ApiToken


class SettingsRate:
    def get_rate(self):
        return settings.BMA_API_RATES[self.scope]


class PerTokenThrottle(SettingsRate, SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonymousThrottle(SettingsRate, AnonRateThrottle):
    """Per client address (REST_FRAMEWORK's NUM_PROXIES says which proxies to trust)."""

    scope = "anonymous"
