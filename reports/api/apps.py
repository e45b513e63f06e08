from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reports.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        # The token scheme in the OpenAPI schema (drf-spectacular's extension registry).
        from reports.api import authentication, schema  # noqa: F401
        from reports.api.models import ApiToken

        # Kept tokens (api.authentication) leave the cache when they or their person change.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                authentication.forget_token, sender=ApiToken, dispatch_uid=f"api-token-{name}"
            )
            signal.connect(
                authentication.forget_users_tokens,
                sender=get_user_model(),
                dispatch_uid=f"api-token-user-{name}",
            )
