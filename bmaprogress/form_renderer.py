"""The form renderer (settings.FORM_RENDERER): Django's Jinja2 form renderer, which renders
its widgets, labels and error lists from Django's own Jinja2 templates (the same HTML as its
Django-template ones but for whitespace between tags, in a third of the time), and Django's
Django-template renderer for the templates that exist only as Django templates: the admin's
and auth's widgets."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()
