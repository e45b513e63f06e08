"""The strategy tree in the admin (issue 18): the nodes (and a link to their workbook
import), and the list of strategy links whose text names no node
(ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่), where an administrator picks the node."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import StrategyNode, UnmatchedStrategyLink


@admin.register(StrategyNode)
class StrategyNodeAdmin(admin.ModelAdmin):
    list_display = ("code", "level", "name", "parent", "order", "link_count")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    change_list_template = "admin/projects/strategynode/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_links=Count("links"))

    @admin.display(description=_("ลิงก์โครงการ"), ordering="n_links")
    def link_count(self, obj):
        return obj.n_links

    def changelist_view(self, request, extra_context=None):
        extra = {
            "import_url": reverse("imports:strategy"),
            "unmatched_url": reverse("admin:projects_unmatchedstrategylink_changelist"),
            "unmatched": UnmatchedStrategyLink.objects.filter(node__isnull=True).count(),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})


class LinkNodeForm(forms.ModelForm):
    class Meta:
        model = UnmatchedStrategyLink
        fields = ("node",)


@admin.register(UnmatchedStrategyLink)
class UnmatchedStrategyLinkAdmin(admin.ModelAdmin):
    """Links without a node: pick it in the list (several at once), then save."""

    list_display = ("text", "project_link", "order", "node")
    list_display_links = None
    list_editable = ("node",)
    search_fields = ("text", "project__code", "project__name")
    list_filter = ("project__fiscal_year",)
    list_select_related = ("project",)
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(node__isnull=True)

    def get_changelist_form(self, request, **kwargs):
        return LinkNodeForm

    @admin.display(description=_("โครงการ"), ordering="project__code")
    def project_link(self, obj):
        url = reverse("projects:detail", args=[obj.project.code])
        return format_html('<a href="{}">{}</a>', url, obj.project)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
