from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "ตัวชี้วัดและการประเมิน"
    default_auto_field = "django.db.models.BigAutoField"
