"""bmaprogress/form_renderer.py: forms through Django's Jinja2 form templates, the admin's
and auth's own widgets through their Django templates."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template

from bmaprogress.form_renderer import FormRenderer


class Sample(forms.Form):
    name = forms.CharField(label="ชื่อ", max_length=20, help_text="ไม่เกิน 20 ตัวอักษร")
    kind = forms.ChoiceField(choices=[("a", "ก"), ("b", "ข")])
    note = forms.CharField(widget=forms.Textarea, required=False)


def test_the_site_renders_forms_with_django_jinja2_templates():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert isinstance(renderer.get_template("django/forms/widgets/input.html"), Jinja2Template)


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_the_same_html_as_django_templates_but_whitespace():
    bound = Sample({"name": "<b>", "kind": "z"})
    bound.is_valid()
    for form in (bound, Sample()):
        for field in form:
            ours = field.as_widget() + field.label_tag() + str(field.errors)
            theirs = Sample(form.data or None, renderer=DjangoTemplates())
            theirs.is_valid()
            other = theirs[field.name]
            assert _tags(ours) == _tags(other.as_widget() + other.label_tag() + str(other.errors))
    assert "&lt;b&gt;" in bound["name"].as_widget()  # escaped


def test_templates_only_django_has_fall_back_to_django_templates():
    template = get_default_renderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert not isinstance(template, Jinja2Template)
