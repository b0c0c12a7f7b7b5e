"""The perpetrator record on the case page: details, equality monitoring, aliases, identifiers,
the person's own address history, MAPPA, serial and repeat status, and their other cases."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework import services
from casework.access import EDIT
from casework.forms import AddressForm, AliasForm, IdentifierForm, PerpetratorForm
from casework.models import PerpetratorAddress, PerpetratorAlias, PerpetratorIdentifier
from casework.selectors import previous_cases, serial_repeat_status
from casework.views import attempt, case_page, done, view_case

DETAIL_MODELS = {
    "alias": (PerpetratorAlias, "Other name removed"),
    "identifier": (PerpetratorIdentifier, "Reference removed"),
    "address": (PerpetratorAddress, "Address removed"),
}


@require_GET
def person(request, pk):
    case = view_case(request, pk, purpose="perpetrator record")
    perpetrator = case.perpetrator
    context = {
        "person": perpetrator,
        "aliases": perpetrator.aliases.all(),
        "identifiers": perpetrator.identifiers.all(),
        "addresses": perpetrator.addresses.all(),
        "serial": serial_repeat_status(perpetrator),
        "other_cases": previous_cases(case=case, user=request.user),
    }
    return case_page(request, case, "person", "casework/person.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    case = view_case(request, pk, purpose="edit perpetrator details", action=EDIT)
    perpetrator = case.perpetrator
    form = PerpetratorForm(request.POST or None, instance=perpetrator)

    def save(form):
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.perpetrator_update(
            perpetrator=perpetrator,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **changes,
        )

    if request.method == "POST":
        if attempt(form, save):
            return done(request, "Personal details saved", "person", case)
        perpetrator.refresh_from_db()
    return case_page(
        request, case, "person", "casework/case_form.html", {"form": form, "title": "Personal details"}
    )


def _add_detail(request, pk, *, form_class, service, title: str, message: str):
    case = view_case(request, pk, purpose=title.lower(), action=EDIT)
    form = form_class(request.POST or None)

    def save(form):
        service(perpetrator=case.perpetrator, actor=request.user, **form.cleaned_data)

    if request.method == "POST" and attempt(form, save):
        return done(request, message, "person", case)
    return case_page(request, case, "person", "casework/case_form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def alias_add(request, pk):
    return _add_detail(
        request,
        pk,
        form_class=AliasForm,
        service=services.perpetrator_alias_add,
        title="Add another name",
        message="Other name added",
    )


@require_http_methods(["GET", "POST"])
def identifier_add(request, pk):
    return _add_detail(
        request,
        pk,
        form_class=IdentifierForm,
        service=services.perpetrator_identifier_add,
        title="Add a reference number",
        message="Reference added",
    )


@require_http_methods(["GET", "POST"])
def address_add(request, pk):
    return _add_detail(
        request,
        pk,
        form_class=AddressForm,
        service=services.perpetrator_address_add,
        title="Add an address the person has lived at",
        message="Address added",
    )


@require_POST
def detail_remove(request, pk, kind, item):
    case = view_case(request, pk, purpose=f"remove {kind}", action=EDIT)
    if kind not in DETAIL_MODELS:
        raise Http404("Not found")
    model, message = DETAIL_MODELS[kind]
    detail = model.objects.filter(perpetrator=case.perpetrator, pk=item).first()
    if detail is None:
        raise Http404("Not found")
    services.perpetrator_detail_remove(detail=detail, actor=request.user)
    return done(request, message, "person", case)
