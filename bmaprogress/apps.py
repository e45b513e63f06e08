from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# The admin's headings of apps whose names are plain English strings (no gettext), so no
# catalog can translate them: the admin is Thai (issue 14, item 8).
THAI_APP_NAMES = {
    "axes": _("ความปลอดภัยการเข้าสู่ระบบ"),
    "django_tasks_database": _("งานเบื้องหลัง"),
}


class BmaProgressConfig(AppConfig):
    name = "bmaprogress"
    verbose_name = "BMA Progress"

    def ready(self):
        from bmaprogress import checks  # noqa: F401  (registers the system checks)

        for label, name in THAI_APP_NAMES.items():
            apps.get_app_config(label).verbose_name = name
