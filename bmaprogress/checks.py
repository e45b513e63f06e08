"""System checks of BMA Progress's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def proxy_count_behind_a_proxy(app_configs=None, **kwargs):
    """The production profile runs behind a reverse proxy (it trusts X-Forwarded-Proto):
    with BMA_PROXY_COUNT=0 every client has the proxy's address, and five bad passwords
    from anyone lock a person out for everyone."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.BMA_PROXY_COUNT < 1:
        return [
            checks.Warning(
                "BMA_PROXY_COUNT is 0 behind a reverse proxy (SECURE_PROXY_SSL_HEADER is "
                "set): every client has the proxy's address, so five bad passwords from "
                "anyone lock a user out for everyone.",
                hint=(
                    "Set BMA_PROXY_COUNT=1 behind one reverse proxy that appends the "
                    "client's address to X-Forwarded-For (nginx: proxy_set_header "
                    "X-Forwarded-For $proxy_add_x_forwarded_for), or the number of proxies "
                    "in the chain. See README.md, Production."
                ),
                id="bmaprogress.W001",
            )
        ]
    return []
