from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "โครงการ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects import approval_nav, pagecache

        pagecache.connect()
        approval_nav.connect()
