from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reports.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The token scheme in the OpenAPI schema (drf-spectacular's extension registry).
        from reports.api import schema  # noqa: F401
