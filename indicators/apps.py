from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "ตัวชี้วัดและการประเมิน"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from indicators import notices
        from projects.notifications import kinds

        kinds.register(kinds.Kind.EVALUATED, notices.evaluations)
