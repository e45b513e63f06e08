from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = pgettext_lazy("plural", "โครงการ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects import approval_nav, freshness, pagecache

        pagecache.connect()
        freshness.connect()
        approval_nav.connect()
