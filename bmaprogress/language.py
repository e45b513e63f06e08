"""Choosing the language of the pages (issue 17): the header's language menu links to
``/language/<code>/?next=<path>``, a plain GET that every page may carry (the login page
and the public pages have no CSRF-bearing form). It sets Django's language cookie and, for
a logged-in person, ``User.language``, which then wins on any device: the cookie is set
to it at login (``UserLanguageMiddleware``). A visitor who chose nothing reads the
language of their ``Accept-Language`` (Django's LocaleMiddleware: th or en, anything else
Thai)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bmaprogress.middleware import UNAVAILABLE, unavailable_answer
from projects import languages


def set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _safe_next(request) -> str:
    """Where to go back to: ``next``, else the page the link was on (Referer), if either
    is a path of this site; else the start page."""
    for candidate in (request.GET.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@never_cache
@require_http_methods(["GET", "HEAD"])
def choose_language(request, code: str):
    language = languages.supported(code)
    if language is None:
        raise Http404
    if request.user.is_authenticated and request.user.language != language:
        languages.user_language_set(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_safe_next(request))
    set_language_cookie(response, language)
    return response


def _login_language(sender, request, user, **kwargs) -> None:
    """At login, the person's own language (``User.language``) becomes the request's and,
    through ``UserLanguageMiddleware``, the cookie's: a new device reads it from then on."""
    language = languages.supported(getattr(user, "language", None))
    if request is not None and language:
        request.bma_login_language = language


user_logged_in.connect(_login_language, dispatch_uid="bma-login-language")


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a logged-in person reads their own language
    (``User.language``) whatever the browser says.

    The language cookie carries it from request to request, as for a visitor (Django's
    LocaleMiddleware reads it): it is set to ``User.language`` at login and when the person
    chooses in the menu (which also saves it on the account). So a page reads neither the
    session nor the user for it; the account is read only when a logged-in person has no
    cookie (a browser that dropped it), and the cookie is set again from it. Reading the
    user on every request had cost the session and a user query on pages that need
    neither (the bare benchmark page: 2.3 ms in-process instead of 0.2 ms)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            try:
                language = self._account_language(request)
            except UNAVAILABLE as exception:
                return unavailable_answer(request, exception)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = getattr(request, "bma_login_language", None) or language
        if (
            language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            set_language_cookie(response, language)
        return response

    @staticmethod
    def _account_language(request) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # a visitor: no session to read
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # reads the session and the user
            return languages.supported(user.language)
        return None
