from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("ตัวชี้วัดและการประเมิน")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from indicators import freshness, notices
        from projects.notifications import kinds

        kinds.register(kinds.Kind.EVALUATED, notices.evaluations)
        freshness.connect()
