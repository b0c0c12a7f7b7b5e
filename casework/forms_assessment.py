"""Assessment forms, built from the exact instrument version an assessment uses."""

from __future__ import annotations

from django import forms

from accounts.choices import PermittedModelChoiceField, bind_choices
from accounts.forms_govuk import GovukForm
from accounts.safe_text import validate_no_contact_details
from casework.forms import VersionField
from casework.models import Assessment
from casework.models.casefile import SEVERITY_CHOICES


class StartAssessmentForm(GovukForm):
    instrument = PermittedModelChoiceField(
        "casework.assessment_instrument",
        label="Which assessment?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose an assessment"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user)
        self.fields["instrument"].label_from_instance = lambda i: f"{i.name} (version {i.version})"


class AssessmentForm(GovukForm):
    """One field per question. Drafts may be saved half-filled; completing needs every choice answered."""

    version = VersionField()

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.fields["version"].initial = assessment.version
        self.questions = assessment.instrument.structure
        for question in self.questions:
            key, kind = question["key"], question["type"]
            common = {"label": question["label"], "required": False, "help_text": question.get("help", "")}
            if kind in ("severity", "choice"):
                field = forms.ChoiceField(
                    choices=question.get("choices") or SEVERITY_CHOICES, widget=forms.RadioSelect, **common
                )
            elif kind == "number":
                field = forms.IntegerField(
                    min_value=question.get("min"), max_value=question.get("max"), **common
                )
                field.widget.attrs.update({"class": "govuk-input--width-3", "inputmode": "numeric"})
                low, high = question.get("min"), question.get("max")
                if low is not None and high is not None:
                    message = f"{question['label']} must be a whole number from {low} to {high}"
                    for code in ("invalid", "min_value", "max_value"):
                        field.error_messages[code] = message
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=5000,
                    validators=[validate_no_contact_details],
                    **common,
                )
            field.initial = assessment.answers.get(key)
            self.fields[f"q_{key}"] = field

    def answers(self) -> dict:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question['key']}")
            if value not in (None, ""):
                answers[question["key"]] = value
        return answers

    def check_complete(self) -> bool:
        """Add an error to every unanswered choice or number question; True when none is missing."""
        complete = True
        for question in self.questions:
            if question["type"] == "text":
                continue
            if self.cleaned_data.get(f"q_{question['key']}") in (None, ""):
                self.add_error(f"q_{question['key']}", f"Answer “{question['label']}” before completing")
                complete = False
        return complete
