"""Subject access request pages for the data protection officer: open, review, decide, preview, export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent
from privacy import sar, sar_export
from privacy.models import Exemption, SarItem, SubjectAccessRequest

PAGE_SIZE = 50


class SarCreateForm(GovukForm):
    subject_type = forms.ChoiceField(
        label="Whose data is requested",
        choices=SubjectAccessRequest.SubjectType.choices,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label="Record reference",
        max_length=20,
        help_text="A perpetrator's case reference (TL-000123) or a victim-survivor's record (V-000123)",
    )
    received_on = forms.DateField(label="Date the request was received", help_text="For example, 27 3 2026")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How identity was checked, how the request arrived.",
    )


class DecisionForm(GovukForm):
    """Disclose an item or keep it withheld under a named exemption, with the reason."""

    decision = forms.ChoiceField(
        label="Your decision", choices=SarItem.Decision.choices, widget=forms.RadioSelect
    )
    exemption = forms.ChoiceField(
        label="Exemption, if you keep it withheld",
        choices=[("", "Choose an exemption"), *Exemption.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Reason for your decision",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the information is already known to them, or the other person agreed.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not reason:
            raise ValidationError("Enter the reason for your decision")
        return reason


class WithholdForm(DecisionForm):
    """Withhold one of the subject's own items (for example a note that names someone else)."""

    decision = forms.ChoiceField(
        choices=[(SarItem.Decision.WITHHOLD, "Withhold")],
        widget=forms.HiddenInput,
        initial=SarItem.Decision.WITHHOLD,
    )
    exemption = forms.ChoiceField(
        label="Exemption that allows it to be withheld",
        choices=[("", "Choose an exemption"), *Exemption.choices],
    )


class WithholdRemainingForm(GovukForm):
    exemption = forms.ChoiceField(choices=Exemption.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for keeping them all withheld",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not reason:
            raise ValidationError("Enter the reason for your decision")
        return reason


def _decision_form(item: SarItem, data=None):
    form_class = DecisionForm if (item.exemption or item.decision) else WithholdForm
    initial = {"exemption": item.exemption} if item.exemption else {}
    return form_class(data, prefix=f"item{item.pk}", initial=initial)


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
def sar_list(request):
    requests = sar.sars_visible_to(request.user).select_related("requested_by").order_by("-created_at", "-id")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/sar/sar_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def sar_new(request):
    form = SarCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = sar.sar_create(
                actor=request.user,
                subject_type=data["subject_type"],
                reference=data["reference"],
                received_on=data["received_on"],
                notes=data["notes"].replace("\x00", ""),
                request=request,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"{created.reference} opened: {created.items.count()} items gathered.")
            return redirect("privacy:sar_detail", created.pk)
    return render(request, "privacy/sar/sar_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, subject_request, *, failed_form=None, failed_item=None, bulk_form=None, status=200):
    items = list(subject_request.items.select_related("decided_by"))
    sections: dict[str, list[SarItem]] = {}
    waiting: dict[str, int] = {}
    for item in items:
        item.rows = sar.display_rows(item.data)
        item.form = failed_form if item.pk == failed_item else _decision_form(item)
        sections.setdefault(item.section, []).append(item)
        if item.awaiting_decision:
            waiting[item.exemption] = waiting.get(item.exemption, 0) + 1
    bulk = [
        {
            "exemption": Exemption(code).label,
            "count": count,
            "form": bulk_form
            if bulk_form is not None and bulk_form.data.get(f"bulk{code}-exemption") == code
            else WithholdRemainingForm(prefix=f"bulk{code}", initial={"exemption": code}),
        }
        for code, count in waiting.items()
    ]
    audit.record(request, AuditEvent.Action.VIEW, subject_request, purpose="subject access request review")
    errors = failed_form if failed_form is not None and failed_form.errors else None
    if errors is None and bulk_form is not None and bulk_form.errors:
        errors = bulk_form
    return render(
        request,
        "privacy/sar/sar_detail.html",
        {
            "sar": subject_request,
            "sections": sections,
            "total": len(items),
            "withheld": sum(1 for i in items if not i.disclosed),
            "waiting": sum(waiting.values()),
            "bulk": bulk,
            "error_form": errors,
            "has_errors": bool(errors and errors.errors),
            "bulk_open": bulk_form is not None,
        },
        status=status,
    )


@require_GET
def sar_detail(request, pk):
    return _detail(request, sar.get_sar_for_user(request.user, pk))


def _item(request, pk, item_pk) -> tuple[SubjectAccessRequest, SarItem]:
    subject_request = sar.get_sar_for_user(request.user, pk)
    try:
        item = subject_request.items.get(pk=item_pk)
    except (SarItem.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    return subject_request, item


@require_POST
def sar_item_decide(request, pk, item_pk):
    subject_request, item = _item(request, pk, item_pk)
    form = _decision_form(item, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = sar.sar_item_decide(
                item=item,
                actor=request.user,
                decision=data["decision"],
                exemption=data.get("exemption") or "",
                reason=data["reason"],
                request=request,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"{decided.get_decision_display()}: {decided.title}.")
            return redirect(reverse("privacy:sar_detail", args=[subject_request.pk]) + f"#item-{item.pk}")
    return _detail(request, subject_request, failed_form=form, failed_item=item.pk, status=400)


@require_POST
def sar_withhold_remaining(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    code = next((c for c in Exemption.values if f"bulk{c}-exemption" in request.POST), "")
    waiting = subject_request.items.filter(exemption=code, decision="").exists() if code else False
    if not waiting:
        # Only the page's own "keep the rest withheld" forms name an exemption with items waiting.
        messages.info(
            request, "No items are waiting for a decision under that exemption: nothing was changed."
        )
        return redirect("privacy:sar_detail", subject_request.pk)
    form = WithholdRemainingForm(request.POST, prefix=f"bulk{code}")
    if form.is_valid():
        try:
            count = sar.sar_withhold_remaining(
                sar=subject_request,
                actor=request.user,
                exemption=form.cleaned_data["exemption"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"{count} item{'s' if count != 1 else ''} kept withheld.")
            return redirect("privacy:sar_detail", subject_request.pk)
    return _detail(request, subject_request, bulk_form=form, status=400)


@require_POST
def sar_regather(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    sar.sar_gather(sar=subject_request, actor=request.user, request=request)
    messages.success(request, "Gathered again from the current records. Earlier decisions were kept.")
    return redirect("privacy:sar_detail", subject_request.pk)


@require_GET
def sar_preview(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    context = sar_export.response(subject_request, actor=request.user)
    context["waiting"] = sar_export.awaiting_decision(subject_request)
    audit.record(request, AuditEvent.Action.VIEW, subject_request, purpose="subject access response preview")
    return render(request, "privacy/sar/sar_preview.html", context)


def _not_ready(request, subject_request, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("privacy:sar_detail", subject_request.pk)


@require_GET
def sar_export_pdf(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    try:
        pdf, _pages = sar_export.export_pdf(sar=subject_request, actor=request.user, request=request)
    except ValidationError as error:
        return _not_ready(request, subject_request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{subject_request.reference}.pdf"'
    return response


@require_GET
def sar_export_json(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    try:
        body = sar_export.export_json(sar=subject_request, actor=request.user, request=request)
    except ValidationError as error:
        return _not_ready(request, subject_request, error)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{subject_request.reference}.json"'
    return response
