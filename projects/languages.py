"""The languages a person may read the site in (settings.LANGUAGES: Thai first, English)
and remembering a person's choice on their account (``User.language``).

The choice itself travels in Django's language cookie; for a logged-in person
``User.language`` wins on every device (bmaprogress/language.py). What is made for a person
away from their request (an e-mail, a report built in the background) is rendered under
``or_default(user.language)`` with ``translation.override``."""

from django.conf import settings
from django.db import transaction

from projects.models import User


def codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def supported(code: object) -> str | None:
    """``code`` if the site is written in it, else None."""
    return code if isinstance(code, str) and code in codes() else None


def or_default(code: object) -> str:
    """``code`` if the site has that language, else the site's (settings.LANGUAGE_CODE)."""
    return supported(code) or settings.LANGUAGE_CODE


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember ``language`` as ``user``'s choice. An update, not save(): the language is
    shown on no kept page (projects/pagecache.py), so no page's version changes, and the
    account's other fields (and its change history) are left as they are."""
    if supported(language) is None:
        raise ValueError(f"unsupported language {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
