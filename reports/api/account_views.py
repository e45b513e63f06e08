"""โทเค็น API (/account/tokens/): each person creates, sees once, lists and revokes their own
personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from reports.api import services
from reports.api.forms import TokenForm
from reports.api.models import ApiToken


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request):
    form, key, status = TokenForm(), None, 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = services.api_token_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # Shown on this answer only (never_cache: not kept by the browser either).
                # Not Post/Redirect/Get: the key would have to wait in the session store
                # for the redirected request; a reload asks to send the form again.
                messages.success(request, _("สร้างโทเค็น «%(name)s» แล้ว") % {"name": token.name})
                form = TokenForm()
        status = 200 if key else 422
    context = {
        "form": form,
        "key": key,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def revoke(request, token_id: int):
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except ValidationError:
        messages.error(request, _("ไม่พบโทเค็นนี้ อาจถูกยกเลิกไปแล้ว"))
    else:
        messages.success(request, _("ยกเลิกโทเค็นแล้ว โปรแกรมที่ใช้โทเค็นนี้จะเข้าถึง API ไม่ได้อีก"))
    return redirect("api_tokens")
