from django.apps import AppConfig


class BmaProgressConfig(AppConfig):
    name = "bmaprogress"
    verbose_name = "BMA Progress"

    def ready(self):
        from bmaprogress import checks  # noqa: F401  (registers the system checks)
