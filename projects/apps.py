from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("โครงการ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects import approval_nav, pagecache

        pagecache.connect()
        approval_nav.connect()
