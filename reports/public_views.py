"""The public pages (issue 17): what a visitor without a login may read while
``settings.BMA_PUBLIC_SITE`` is on. Under /public/, beside the logged-in pages, which keep
their own addresses and rules.

Each view is thin: bmaprogress.public_site.public_view (404 when off, the rate limit, the
Cache-Control), then the data from reports.public_selectors (cut to what the public may
see by projects.public and indicators.public), rendered once and kept in the shared page
cache (projects/pagecache.py) under the same scopes as the logged-in pages' bodies. The
page around the body (base.html's public header) has nothing personal in it.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from bmaprogress.middleware import public_page
from bmaprogress.public_site import absolute_url, public_view
from indicators import public as indicators_public
from indicators import selectors as evaluation_selectors
from projects import list_filters, pagecache, public, view_helpers
from projects.models import Agency, FiscalYear
from reports import public_selectors
from reports import render as report_render

LIST_TEMPLATE = "public/project_list.html"
PROJECT_TEMPLATE = "public/project_detail.html"
AGENCY_TEMPLATE = "public/agency_summary.html"
INDICATOR_TEMPLATE = "public/indicator_detail.html"


def _page(request, template_name: str, body: str, meta: dict) -> HttpResponse:
    """The whole page around a kept ``body``: ``meta`` gives its title, description and
    canonical path (link rel=canonical and Open Graph)."""
    context = {
        "kept_body": body,
        "public_page": True,
        "page_title": meta["title"],
        "meta_description": meta["description"],
        "canonical_url": absolute_url(meta["path"]),
    }
    return render(request, template_name, context)


@public_view()
def project_list(request):
    """The public projects, with the logged-in list's filters (year, agency, search) and
    pages. Without any filter it starts on the current year (list_filters)."""
    if start := list_filters.redirect_to_start(request, reverse("public:projects")):
        return start
    part = "#results" if request.htmx else "#body"
    body = pagecache.kept(
        ("public-list", part, pagecache.query(request)),
        (pagecache.SITE, pagecache.PROJECTS),
        lambda: render_to_string(LIST_TEMPLATE + part, _list_context(request), request),
    )
    if request.htmx:
        return HttpResponse(body)
    meta = {
        "title": _("โครงการ"),
        "description": _("ความคืบหน้าโครงการของกรุงเทพมหานคร ตามแผนปฏิบัติราชการประจำปี"),
        "path": reverse("public:projects"),
    }
    return _page(request, LIST_TEMPLATE, body, meta)


def _list_context(request) -> dict:
    years = list(FiscalYear.objects.all())
    agencies = list(Agency.objects.all())
    fiscal_year = view_helpers.pick(years, "year_be", request.GET.get("year"))
    agency = view_helpers.pick(agencies, "code", request.GET.get("agency"))
    query = (request.GET.get("q") or "").strip()[:200]
    projects = public_selectors.project_list(fiscal_year=fiscal_year, agency=agency, query=query)
    return {
        "page": Paginator(projects, settings.BMA_PROJECTS_PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "years": years,
        "agencies": agencies,
        "fiscal_year": fiscal_year,
        "agency": agency,
        "query": query,
    }


@public_view()
def project_detail(request, code):
    """The project page as the public reads it (no forms, no evidence, no names)."""
    project = public_selectors.public_project(code)
    parts = (
        "public-project",
        project.pk,
        view_helpers.today(),  # planned progress, "behind" and the quarters depend on it
        settings.BMA_BEHIND_THRESHOLD,
        pagecache.query(request),  # the page of the history
    )

    def render_body():
        context = public_selectors.project_page(project, request.GET.get("page"))
        return render_to_string(PROJECT_TEMPLATE + "#body", context, request)

    body = pagecache.kept(parts, (pagecache.SITE, pagecache.project(project.pk)), render_body)
    meta = {
        "title": f"{project.code} {project.name}",
        "description": _project_description(project),
        "path": reverse("public:project", args=[project.code]),
    }
    return _page(request, PROJECT_TEMPLATE, body, meta)


def _project_description(project) -> str:
    percent = project.latest_percent if project.latest_percent is not None else 0
    return _("%(agency)s · ปีงบประมาณ %(year)s · ความคืบหน้าร้อยละ %(percent)s") % {
        "agency": project.agency.name,
        "year": project.fiscal_year.year_be,
        "percent": f"{percent:.0f}",
    }


@public_view(rate_setting="BMA_PUBLIC_PDF_RATE", group="public-pdf")
def project_pdf(request, code):
    """The project's print (reports' machinery) as an A4 PDF, cut to what the public may
    read: no responsible person, no evaluator, no signature block."""
    project = public_selectors.public_project(code)
    thai_digits = request.GET.get("digits") == "thai"

    def render_pdf():
        report = public_selectors.public_project_report(code)
        return report_render.project_pdf(report, thai_digits=thai_digits, public=True)

    # Kept as the pages are (its "พิมพ์เมื่อ" is then when it was rendered, at most
    # BMA_PAGE_CACHE_SECONDS ago): a PDF costs a tenth of a second and more to render.
    data = pagecache.kept(
        ("public-pdf", project.pk, view_helpers.today(), thai_digits),
        (pagecache.SITE, pagecache.project(project.pk)),
        render_pdf,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.code}.pdf"'
    return response


@public_view()
def agency_summary(request, code):
    """One agency's public projects of a year: average progress, how many are behind, the
    reporting rate, and the projects themselves."""
    agency = get_object_or_404(Agency, code=code)
    years = list(FiscalYear.objects.all())
    fiscal_year = view_helpers.pick(years, "year_be", request.GET.get("year")) or (
        evaluation_selectors.default_fiscal_year(years)
    )
    if fiscal_year is None:
        raise Http404
    today = view_helpers.today()

    def render_body():
        summary = public_selectors.agency_summary(
            agency, fiscal_year, today=today, page_number=request.GET.get("page")
        )
        context = {"summary": summary, "years": years, "agency": agency}
        return render_to_string(AGENCY_TEMPLATE + "#body", context, request)

    body = pagecache.kept(
        (
            "public-agency",
            agency.pk,
            today,
            settings.BMA_BEHIND_THRESHOLD,
            pagecache.query(request),
        ),
        (pagecache.SITE, pagecache.PROJECTS),
        render_body,
    )
    meta = {
        "title": agency.name,
        "description": _("สรุปความคืบหน้าโครงการของ%(agency)s ปีงบประมาณ %(year)s")
        % {"agency": agency.name, "year": fiscal_year.year_be},
        "path": reverse("public:agency", args=[agency.code]),
    }
    return _page(request, AGENCY_TEMPLATE, body, meta)


@public_view()
def indicator_detail(request, code):
    """A KPI (not internal): its levels, its results by quarter of a year, and the public
    projects that support it."""
    indicator = get_object_or_404(indicators_public.public_indicators(), code=code)

    def render_body():
        context = indicators_public.indicator_page(
            indicator, year=request.GET.get("year"), page_number=request.GET.get("page")
        )
        return render_to_string(INDICATOR_TEMPLATE + "#body", context, request)

    body = pagecache.kept(
        ("public-indicator", indicator.pk, view_helpers.today(), pagecache.query(request)),
        (pagecache.SITE, pagecache.PROJECTS),
        render_body,
    )
    meta = {
        "title": f"{_('ตัวชี้วัด')} {indicator.code}",
        "description": indicator.name,
        "path": reverse("public:indicator", args=[indicator.code]),
    }
    return _page(request, INDICATOR_TEMPLATE, body, meta)


@public_page(max_age=3600)
def robots_txt(request):
    """Crawlers may read the public pages and nothing else; nothing at all while the
    public site is off."""
    if public.enabled():
        lines = [
            "User-agent: *",
            "Allow: /public/",
            "Disallow: /",
            f"Sitemap: {absolute_url(reverse('sitemap'))}",
        ]
    else:
        lines = ["User-agent: *", "Disallow: /"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
