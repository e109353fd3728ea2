"""The key adults page: a school's DSL names its key adults and deputies; the LA coordinator
sees the schools without a current key adult and can open any school's list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.encompass import policies
from safeguard.encompass.forms.key_adults import KeyAdultForm
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors import notifications as selectors
from safeguard.encompass.services import key_adults


def _school(request: HttpRequest) -> Organisation | None:
    if policies.is_school_dsl(request.user) and not policies.may_manage_calendar(
        request.user, None
    ):
        return request.user.organisation  # type: ignore[union-attr]
    wanted = request.GET.get("school", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404
    found = Organisation.objects.filter(pk=int(wanted), kind=OrganisationKind.SCHOOL).first()
    if found is None:
        raise Http404
    return found


@capability_required(Cap.MANAGE_CALENDARS)
def key_adults_page(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    if school is None:
        if not policies.may_manage_calendar(request.user, None):
            # A DSL whose organisation is not a school has no key adults to name.
            return render(request, "encompass/key_adults_none.html", {})
        missing = selectors.schools_without_key_adult(request.user)
        return render(request, "encompass/key_adults_missing.html", {"schools": missing[:500]})
    if not policies.may_manage_key_adults(request.user, school):
        raise PermissionDenied
    people = list(
        Person.objects.filter(organisation=school, is_active=True).order_by("full_name", "pk")
    )
    form = KeyAdultForm(request.POST or None, people=people)
    query = f"?school={school.pk}" if request.GET.get("school") else ""
    if request.method == "POST" and request.POST.get("remove", "").isdigit():
        row = (
            selectors.key_adults_of(request.user, school)
            .filter(pk=int(request.POST["remove"]))
            .first()
        )
        if row is None:
            raise Http404
        key_adults.key_adult_remove(actor=request.user, key_adult=row)
        messages.success(request, "Key adult removed")
        return redirect(f"{request.path}{query}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next(p for p in people if str(p.pk) == data["person"])
        try:
            key_adults.key_adult_save(
                actor=request.user,
                school=school,
                person=person,
                deputy=data["deputy"],
                trained_on=data["trained_on"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"{person.full_name} saved as a key adult")
            return redirect(f"{request.path}{query}")
    return render(
        request,
        "encompass/key_adults.html",
        {
            "school": school,
            "rows": selectors.key_adults_of(request.user, school),
            "current": {k.pk for k in selectors.current_key_adults(school)},
            "form": form,
        },
    )


urlpatterns = [path("key-adults/", key_adults_page, name="key_adults")]
