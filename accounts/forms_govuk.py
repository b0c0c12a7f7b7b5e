"""GOV.UK Design System rendering for every Django form in Tideline.

Forms inherit `GovukForm` (or `GovukModelForm`): widgets get the design system's classes,
error states and `aria-describedby` links; date fields become the three-box date input;
`{{ form }}` renders through templates/django/forms/. Validation is server-side only, so
messages are the GOV.UK ones and pages work without JavaScript.
"""

from __future__ import annotations

import datetime

from django import forms
from django.forms.boundfield import BoundField

_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input pattern)."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        widgets = {
            "day": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            "month": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            "year": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            part.strip() for part in (v or "" for v in super().value_from_datadict(data, files, name))
        )
        if not (day or month or year):
            return ""
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{suffix}" not in data for suffix in ("day", "month", "year"))


class GovukBoundField(BoundField):
    @property
    def error_anchor(self) -> str:
        """The id an error summary links to: the field's first input (the day box of a date, the
        first radio or checkbox), so the link takes a keyboard user to where the answer goes."""
        widget = self.field.widget
        if isinstance(widget, GovukDateInput) or self.widget_type in (
            "radioselect",
            "checkboxselectmultiple",
        ):
            return f"{self.auto_id}_0"
        return self.id_for_label

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, GovukDateInput):
            return attrs
        css = _CLASSES.get(self.widget_type, "govuk-input")
        if self.errors and css in _ERROR_CLASSES:
            css = f"{css} {_ERROR_CLASSES[css]}"
        attrs["class"] = f"{css} {attrs.get('class', '')}".strip()
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
        if described_by and self.widget_type not in ("radioselect", "checkboxselectmultiple"):
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class GovukFormMixin:
    use_required_attribute = False
    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not isinstance(field.widget, GovukDateInput):
                field.widget = GovukDateInput()
            if isinstance(field, forms.DateField):
                field.error_messages.setdefault("invalid", "Enter a real date")
                field.error_messages["invalid"] = f"{field.label or 'The date'} must be a real date"


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
