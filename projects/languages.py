"""The language a person reads in (issue 17): ``User.language`` when it is one of
settings.LANGUAGES, else the site's (settings.LANGUAGE_CODE, Thai). What is made for a
person away from their request (an e-mail, a report built in the background) is
rendered under it with ``translation.override``."""

from django.conf import settings


def supported(code: str | None) -> str:
    """``code`` if the site has that language, else the default one."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
