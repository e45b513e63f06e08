"""The sitemap of the public pages (issue 17): the list and every public project, on the
site's own address (BMA_SITE_URL), as the canonical links say."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404
from django.urls import reverse

from projects import public


class PublicSitemap(Sitemap):
    # The protocol's most per file: the 20,000 projects of a large year fit in one, so no
    # sitemap index is needed (whose links Django writes on the request's host).
    limit = 50000

    @property
    def protocol(self):
        return urlsplit(settings.BMA_SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.BMA_SITE_URL).netloc


class PublicProjectsSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        if not public.enabled():
            raise Http404
        return public.public_projects().order_by("code").values_list("code", flat=True)

    def location(self, code):
        return reverse("public:project", args=[code])


class PublicListSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        if not public.enabled():
            raise Http404
        return ["public:projects"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"list": PublicListSitemap, "projects": PublicProjectsSitemap}
