"""The admins with a history of changes (django-simple-history) take ``HistoryAdmin``.

simple-history's page of a past version (``history_form_view``) asks only whether the user
may view the object, also when its form is posted: a user who could only view a report
reverted it, and a closed quarter's row (indicators.admin.LockedQuarterReadOnly) was
reverted too. A post is refused here unless the user may change the object as it is now, as
the change form asks. tests/test_admin_history.py fails for an admin that does not refuse."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(
            request, self.get_object(request, unquote(object_id))
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
