"""Pages for managing the partnership: organisations, groups with their members, people and roles.

Thin HTTP: each page parses a form, calls a selector or a service, and renders. A refused change
(``ValidationError``) re-renders the page with the GOV.UK error summary and status 400; nothing
is saved. Search terms travel in the query string of GET forms and are never logged.
Changing roles, setting a password and resetting the second factor could hand an account to
someone else, so they ask for the second factor again (``@sensitive``). A change that grants or
widens access (a new person with roles, a person moved to another organisation, an
organisation's kind or statutory-partner flag changed, a group member added or given another
role) asks for it too, through ``step_up_for_change``; a plain edit of a name does not.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.core import navigation, policies, sso
from safeguard.core.forms import partnership as f
from safeguard.core.http import capability_required, sensitive, step_up_for_change
from safeguard.core.models import Group, Membership, Organisation, Person
from safeguard.core.roles import Capability, Role
from safeguard.core.selectors import partnership as selectors
from safeguard.core.services import partnership as services
from safeguard.core.services import sso as sso_services

VIEW = Capability.VIEW_PARTNERSHIP
MANAGE = Capability.MANAGE_PARTNERSHIP
PER_PAGE = 50
ROLE_LABELS = dict(Role.choices)


def _put_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach each message to its field when the form has it, else to the form as a whole."""
    order = list(form.fields)

    def position(item: tuple[str, list[str]]) -> int:
        # The summary lists errors in the order the fields appear on the page.
        return order.index(item[0]) if item[0] in order else len(order)

    for field, problems in sorted(error.message_dict.items(), key=position):
        form.add_error(field if field in form.fields else None, problems)


def _errors_only(error: ValidationError) -> forms.Form:
    """A form carrying only the messages, so a page of buttons can show the error summary."""
    holder = forms.Form(data={})
    holder.is_valid()
    holder.add_error(None, error.messages)
    return holder


def _page(request: HttpRequest, found: QuerySet[Any]) -> tuple[Page[Any], str]:
    """One page of results, and the query string of the filters for the page links."""
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("can_manage", policies.can(request.user, MANAGE))
    return render(request, f"core/partnership/{template}", context, status=status)


# Organisations ------------------------------------------------------------------------------


@capability_required(VIEW)
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = f.OrganisationFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.organisations(
        actor=request.user,
        kind=values.get("kind", ""),
        statutory_partner=f.yes_no(values.get("statutory_partner", "")),
        active=f.yes_no(values.get("active", "")),
        search=values.get("q", ""),
    )
    page, query = _page(request, found)
    return _render(
        request, "organisations.html", {"filters": filters, "page": page, "query": query}
    )


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    return get_object_or_404(selectors.organisations(actor=request.user), pk=pk)


@capability_required(VIEW)
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    return _organisation_page(request, organisation)


def _organisation_page(
    request: HttpRequest, organisation: Organisation, *, errors: forms.Form | None = None
) -> HttpResponse:
    people = selectors.organisation_people(actor=request.user, organisation=organisation)
    chosen = sso.provider(organisation.sign_in_provider) if organisation.sign_in_provider else None
    sign_in_name = chosen.name if chosen else organisation.sign_in_provider
    return _render(
        request,
        "organisation_detail.html",
        {
            "organisation": organisation,
            "people": people,
            "form": errors,
            "module_links": navigation.organisation_links(request.user, organisation),
            "sign_in_name": sign_in_name,
        },
        status=400 if errors else 200,
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = f.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Organisation added")
            return redirect("core:organisation_detail", pk=organisation.pk)
    return _render(
        request,
        "organisation_form.html",
        {"form": form, "title": "Add an organisation"},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    if request.method == "POST":
        form = f.OrganisationForm(request.POST)
        if form.is_valid():
            values = form.cleaned_data
            widens = values["kind"] != organisation.kind or (
                values["statutory_partner"] != organisation.statutory_partner
            )
            if asked := step_up_for_change(request, widens_access=widens):
                return asked
            try:
                services.organisation_update(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, "Organisation updated")
                return redirect("core:organisation_detail", pk=organisation.pk)
    else:
        form = f.OrganisationForm.for_organisation(organisation)
    return _render(
        request,
        "organisation_form.html",
        {"form": form, "title": "Change organisation", "organisation": organisation},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_POST
def organisation_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    try:
        services.organisation_deactivate(actor=request.user, organisation=organisation)
    except ValidationError as error:
        return _organisation_page(request, organisation, errors=_errors_only(error))
    messages.success(request, "Organisation deactivated")
    return redirect("core:organisation_detail", pk=organisation.pk)


@capability_required(MANAGE)
@require_POST
def organisation_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    services.organisation_reactivate(actor=request.user, organisation=organisation)
    messages.success(request, "Organisation reactivated")
    return redirect("core:organisation_detail", pk=organisation.pk)


@capability_required(MANAGE)
@sensitive
@require_http_methods(["GET", "POST"])
def organisation_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """How the organisation's people sign in: password here, or its identity provider."""
    organisation = _organisation(request, pk)
    choices = sso.provider_choices()
    initial = {"provider": organisation.sign_in_provider}
    form = f.OrganisationSignInForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            sso_services.organisation_sign_in_set(
                actor=request.user,
                organisation=organisation,
                provider=form.cleaned_data["provider"],
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Sign-in changed")
            return redirect("core:organisation_detail", pk=organisation.pk)
    return _render(
        request,
        "organisation_sign_in.html",
        {"form": form, "organisation": organisation, "configured": bool(choices)},
        status=400 if form.errors else 200,
    )


# Groups -------------------------------------------------------------------------------------


@capability_required(VIEW)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    page, query = _page(request, selectors.groups(actor=request.user))
    return _render(request, "groups.html", {"page": page, "query": query})


def _group(request: HttpRequest, pk: int) -> Group:
    return get_object_or_404(selectors.groups(actor=request.user), pk=pk)


def _group_page(
    request: HttpRequest,
    group: Group,
    *,
    add_form: f.MembershipAddForm | None = None,
    errors: forms.Form | None = None,
) -> HttpResponse:
    candidates = selectors.people_not_in_group(actor=request.user, group=group)
    bad = bool(errors or (add_form is not None and add_form.errors))
    return _render(
        request,
        "group_detail.html",
        {
            "group": group,
            "memberships": selectors.group_memberships(actor=request.user, group=group),
            "add_form": add_form or f.MembershipAddForm(people=candidates),
            "role_choices": f.MembershipRoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            "form": errors or add_form,
        },
        status=400 if bad else 200,
    )


@capability_required(VIEW)
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, _group(request, pk))


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = f.GroupForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "active"}
        try:
            group = services.group_create(actor=request.user, **values)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Group added")
            return redirect("core:group_detail", pk=group.pk)
    return _render(
        request,
        "group_form.html",
        {"form": form, "title": "Add a group", "creating": True},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    if request.method == "POST":
        form = f.GroupForm(request.POST)
        if form.is_valid():
            try:
                services.group_update(actor=request.user, group=group, **form.cleaned_data)
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, "Group updated")
                return redirect("core:group_detail", pk=group.pk)
    else:
        form = f.GroupForm(
            initial={
                "name": group.name,
                "kind": group.kind,
                "purpose": group.purpose,
                "active": group.active,
            }
        )
    return _render(
        request,
        "group_form.html",
        {"form": form, "title": "Change group", "group": group},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    candidates = selectors.people_not_in_group(actor=request.user, group=group)
    form = f.MembershipAddForm(request.POST, people=candidates)
    if form.is_valid():
        back_to = reverse("core:group_detail", args=[group.pk])
        if asked := step_up_for_change(request, widens_access=True, back_to=back_to):
            return asked
        try:
            services.membership_add(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Member added")
            return redirect("core:group_detail", pk=group.pk)
    return _group_page(request, group, add_form=form)


def _membership(request: HttpRequest, pk: int, membership_pk: int) -> tuple[Group, Membership]:
    group = _group(request, pk)
    membership = get_object_or_404(
        selectors.group_memberships(actor=request.user, group=group), pk=membership_pk
    )
    return group, membership


@capability_required(MANAGE)
@require_POST
def membership_change_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    group, membership = _membership(request, pk, membership_pk)
    form = f.MembershipRoleForm(request.POST)
    if form.is_valid():
        back_to = reverse("core:group_detail", args=[group.pk])
        widens = form.cleaned_data["role"] != membership.role
        if asked := step_up_for_change(request, widens_access=widens, back_to=back_to):
            return asked
        services.membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
        messages.success(request, "Role in the group changed")
        return redirect("core:group_detail", pk=group.pk)
    # No anchor: each row has its own select, and 'id_role' belongs to the add-member form.
    problem = ValidationError("Select the person's role in the group")
    return _group_page(request, group, errors=_errors_only(problem))


@capability_required(MANAGE)
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    group, membership = _membership(request, pk, membership_pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, "Member removed from the group")
    return redirect("core:group_detail", pk=group.pk)


# People -------------------------------------------------------------------------------------


@capability_required(VIEW)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations(actor=request.user)
    filters = f.PersonFilterForm(request.GET, organisations=organisations)
    values = filters.cleaned_data if filters.is_valid() else {}
    organisation = values.get("organisation")
    found = selectors.people(
        actor=request.user,
        organisation_id=organisation.pk if organisation else None,
        role=values.get("role", ""),
        active=f.yes_no(values.get("active", "")),
        search=values.get("q", ""),
    )
    page, query = _page(request, found)
    return _render(request, "people.html", {"filters": filters, "page": page, "query": query})


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(selectors.people(actor=request.user), pk=pk)


def _person_page(
    request: HttpRequest, person: Person, *, errors: forms.Form | None = None
) -> HttpResponse:
    record = selectors.person_record(actor=request.user, person=person)
    return _render(
        request,
        "person_detail.html",
        {
            "record": record,
            "person": person,
            "role_labels": [ROLE_LABELS.get(r, r) for r in record.roles],
            "form": errors,
        },
        status=400 if errors else 200,
    )


@capability_required(VIEW)
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, _person(request, pk))


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.active_organisations(actor=request.user)
    form = f.PersonCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        if asked := step_up_for_change(request, widens_access=bool(form.cleaned_data["roles"])):
            return asked
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Person added. Set a password for them before they sign in.")
            return redirect("core:person_detail", pk=person.pk)
    return _render(
        request,
        "person_form.html",
        {"form": form, "title": "Add a person", "role_items": f.role_items(form)},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    # The person's current organisation stays selectable even if it has since been deactivated.
    organisations = selectors.organisations(actor=request.user).filter(active=True) | (
        selectors.organisations(actor=request.user).filter(pk=person.organisation_id)
    )
    if request.method == "POST":
        form = f.PersonForm(request.POST, organisations=organisations)
        if form.is_valid():
            chosen = form.cleaned_data["organisation"]
            moved = chosen is not None and chosen.pk != person.organisation_id
            if asked := step_up_for_change(request, widens_access=moved):
                return asked
            try:
                services.person_update(actor=request.user, person=person, **form.cleaned_data)
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, "Person updated")
                return redirect("core:person_detail", pk=person.pk)
    else:
        form = f.PersonForm(
            organisations=organisations,
            initial={
                "full_name": person.full_name,
                "email": person.email,
                "job_title": person.job_title,
                "organisation": person.organisation_id,
            },
        )
    return _render(
        request,
        "person_form.html",
        {"form": form, "title": "Change person", "person": person},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@sensitive
@require_http_methods(["GET", "POST"])
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if request.method == "POST":
        form = f.PersonRolesForm(request.POST)
        if form.is_valid():
            try:
                services.person_set_roles(
                    actor=request.user, person=person, roles=form.cleaned_data["roles"]
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, "Roles changed")
                return redirect("core:person_detail", pk=person.pk)
    else:
        form = f.PersonRolesForm(initial={"roles": sorted(person.role_codes)})
    return _render(
        request,
        "person_roles.html",
        {"form": form, "person": person, "role_items": f.role_items(form)},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@sensitive
@require_http_methods(["GET", "POST"])
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = f.PersonPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_password(
                actor=request.user, person=person, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Password set")
            return redirect("core:person_detail", pk=person.pk)
    return _render(
        request,
        "person_password.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@capability_required(MANAGE)
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        services.person_deactivate(actor=request.user, person=person)
    except ValidationError as error:
        return _person_page(request, person, errors=_errors_only(error))
    messages.success(request, "Account deactivated: the person can no longer sign in")
    return redirect("core:person_detail", pk=person.pk)


@capability_required(MANAGE)
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    services.person_reactivate(actor=request.user, person=person)
    messages.success(request, "Account reactivated")
    return redirect("core:person_detail", pk=person.pk)


@capability_required(MANAGE)
@sensitive
@require_http_methods(["GET", "POST"])
def person_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if request.method == "POST":
        services.person_reset_second_factor(actor=request.user, person=person)
        messages.success(
            request, "Second factor reset: the person sets it up again at next sign-in"
        )
        return redirect("core:person_detail", pk=person.pk)
    return _render(request, "person_reset_second_factor.html", {"person": person})


_P = "partnership/"
urlpatterns = [
    path(f"{_P}organisations", organisation_list, name="organisations"),
    path(f"{_P}organisations/new", organisation_create, name="organisation_create"),
    path(f"{_P}organisations/<int:pk>", organisation_detail, name="organisation_detail"),
    path(f"{_P}organisations/<int:pk>/edit", organisation_edit, name="organisation_edit"),
    path(
        f"{_P}organisations/<int:pk>/sign-in",
        organisation_sign_in,
        name="organisation_sign_in",
    ),
    path(
        f"{_P}organisations/<int:pk>/deactivate",
        organisation_deactivate,
        name="organisation_deactivate",
    ),
    path(
        f"{_P}organisations/<int:pk>/reactivate",
        organisation_reactivate,
        name="organisation_reactivate",
    ),
    path(f"{_P}groups", group_list, name="groups"),
    path(f"{_P}groups/new", group_create, name="group_create"),
    path(f"{_P}groups/<int:pk>", group_detail, name="group_detail"),
    path(f"{_P}groups/<int:pk>/edit", group_edit, name="group_edit"),
    path(f"{_P}groups/<int:pk>/members", membership_add, name="membership_add"),
    path(
        f"{_P}groups/<int:pk>/members/<int:membership_pk>/role",
        membership_change_role,
        name="membership_change_role",
    ),
    path(
        f"{_P}groups/<int:pk>/members/<int:membership_pk>/remove",
        membership_remove,
        name="membership_remove",
    ),
    path(f"{_P}people", person_list, name="people"),
    path(f"{_P}people/new", person_create, name="person_create"),
    path(f"{_P}people/<int:pk>", person_detail, name="person_detail"),
    path(f"{_P}people/<int:pk>/edit", person_edit, name="person_edit"),
    path(f"{_P}people/<int:pk>/roles", person_roles, name="person_roles"),
    path(f"{_P}people/<int:pk>/password", person_password, name="person_password"),
    path(f"{_P}people/<int:pk>/deactivate", person_deactivate, name="person_deactivate"),
    path(f"{_P}people/<int:pk>/reactivate", person_reactivate, name="person_reactivate"),
    path(
        f"{_P}people/<int:pk>/second-factor/reset",
        person_reset_second_factor,
        name="person_reset_second_factor",
    ),
]
