"""Notifications in the app: the bell's count, the list (mark read, all read) and the
e-mail settings. Every logged-in person has their own; nobody sees another's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Notification
from projects.notifications import bell, inbox

PAGE_SIZE = 20


@login_required
def notifications_bell(request):
    """The bell with its count, for the top bar's htmx load when no count was kept."""
    return render(request, "projects/_bell.html", {"nav_unread": bell.count(request.user.pk)})


@login_required
def notifications(request):
    page = Paginator(inbox.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark read; with ``open`` go to what the notice is about (only a path of this site)."""
    try:
        notification = inbox.notification_read(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    url = notification.url
    if (
        request.POST.get("open")
        and url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        return redirect(url)
    if request.htmx:
        context = {
            "item": notification,
            "nav_unread": bell.count(request.user.pk),
            "oob_bell": True,
        }
        return render(request, "projects/notifications.html#item", context)
    return redirect("projects:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = inbox.notifications_read_all(user=request.user)
    messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว %(count)d รายการ") % {"count": count})
    return redirect("projects:notifications")


class EmailChoicesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # A checkbox's label follows it: no colon (Django's suffix for a label before a field).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False)


@login_required
def notification_settings(request):
    saved = False
    if request.method == "POST":
        form = EmailChoicesForm(request.POST)
        if form.is_valid():
            inbox.notification_preferences_save(user=request.user, email=form.cleaned_data)
            if not request.htmx:
                messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
                return redirect("projects:notification_settings")
            saved = True
    else:
        form = EmailChoicesForm(initial=inbox.email_choices(request.user))
    template = "projects/notification_settings.html"
    if request.htmx:
        template += "#settings-form"
    return render(request, template, {"form": form, "saved": saved})
