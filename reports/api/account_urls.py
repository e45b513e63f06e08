from django.urls import path

from reports.api import account_views

urlpatterns = [
    path("", account_views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", account_views.revoke, name="api_token_revoke"),
]
