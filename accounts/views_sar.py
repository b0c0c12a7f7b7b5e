"""Subject access request pages for the data protection officer: open, review, release, export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, sar
from accounts.forms_govuk import GovukForm
from accounts.models import AuditEvent
from accounts.models_sar import SarItem, SubjectAccessRequest

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


class ReleaseForm(GovukForm):
    reason = forms.CharField(
        label="Why this can be released",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the third party consented, or it is already known to the requester.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].replace("\x00", "").strip()
        if not reason:
            raise ValidationError("Enter why this third-party information can be released")
        return reason


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
    return render(request, "accounts/sar/sar_list.html", {"page": page})


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
            return redirect("accounts:sar_detail", created.pk)
    return render(request, "accounts/sar/sar_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, subject_request, *, release_form=None, failed_item=None, status=200):
    items = list(subject_request.items.select_related("released_by"))
    sections: dict[str, list[SarItem]] = {}
    for item in items:
        item.rows = sar.display_rows(item.data)
        if item.third_party and not item.released:
            item.form = release_form if item.pk == failed_item else ReleaseForm(prefix=f"item{item.pk}")
        sections.setdefault(item.section, []).append(item)
    audit.record(request, AuditEvent.Action.VIEW, subject_request, purpose="subject access request review")
    return render(
        request,
        "accounts/sar/sar_detail.html",
        {
            "sar": subject_request,
            "sections": sections,
            "withheld": sum(1 for i in items if not i.disclosed),
            "third_party": sum(1 for i in items if i.third_party),
            "release_form": release_form,
            "failed_item": failed_item,
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
def sar_item_release(request, pk, item_pk):
    subject_request, item = _item(request, pk, item_pk)
    form = ReleaseForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            sar.sar_item_release(
                item=item, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Released: {item.title}.")
            return redirect(reverse("accounts:sar_detail", args=[subject_request.pk]) + f"#item-{item.pk}")
    return _detail(request, subject_request, release_form=form, failed_item=item.pk, status=400)


@require_POST
def sar_item_withhold(request, pk, item_pk):
    subject_request, item = _item(request, pk, item_pk)
    try:
        sar.sar_item_withhold(item=item, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Withheld again: {item.title}.")
    return redirect(reverse("accounts:sar_detail", args=[subject_request.pk]) + f"#item-{item.pk}")


@require_POST
def sar_regather(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    sar.sar_gather(sar=subject_request, actor=request.user, request=request)
    messages.success(request, "Gathered again from the current records. Earlier releases were kept.")
    return redirect("accounts:sar_detail", subject_request.pk)


@require_GET
def sar_export_pdf(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    pdf, _pages = sar.export_pdf(sar=subject_request, actor=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{subject_request.reference}.pdf"'
    return response


@require_GET
def sar_export_json(request, pk):
    subject_request = sar.get_sar_for_user(request.user, pk)
    body = sar.export_json(sar=subject_request, actor=request.user, request=request)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{subject_request.reference}.json"'
    return response
