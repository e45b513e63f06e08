"""Administrators see every person's API tokens and may revoke (delete) one, e.g. of a
person who left; nobody adds a token here (its key is shown once, to its owner)."""

from django.contrib import admin

from projects.admin_dates import ThaiDatesAdmin
from reports.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ThaiDatesAdmin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
