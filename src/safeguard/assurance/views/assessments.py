"""Self-assessment pages: standards (versioned), the yearly round, an organisation's return,
the Business Unit's challenges and the answers, actions, and the year-on-year comparison."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from safeguard.assurance import charts, policies, rules
from safeguard.assurance.forms import (
    ActionForm,
    AnswerForm,
    ChallengeForm,
    RoundForm,
    TemplateForm,
    organisations_of,
    place_errors,
    return_form,
)
from safeguard.assurance.models import Round, SelfAssessment, StandardTemplate
from safeguard.assurance.policies import Cap
from safeguard.assurance.selectors import assessments as selectors
from safeguard.assurance.services import assessments as services
from safeguard.core.http import capability_required
from safeguard.core.models import Organisation
from safeguard.governance import policies as action_policies
from safeguard.governance.selectors.actions import actions_of_source


@capability_required(Cap.SELF_ASSESS)
def assessments(request: HttpRequest) -> HttpResponse:
    manages = policies.manages(request.user)
    return render(
        request,
        "assurance/assessments.html",
        {
            "manages": manages,
            "rounds": selectors.rounds() if manages else [],
            "templates": selectors.templates(actor=request.user),
            "assessments": selectors.assessments_for(actor=request.user).order_by(
                "-round__year", "organisation__name"
            )[:50]
            if not manages
            else [],
        },
    )


@capability_required(Cap.MANAGE)
def template_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    initial: dict[str, Any] = {}
    latest = services.latest_template(kind) if kind in rules.TEMPLATE_KINDS else None
    if latest is not None:
        initial = {
            "kind": kind,
            "title": latest.title,
            "standards": "\n".join(
                f"{s.title} | {s.guidance}" if s.guidance else s.title
                for s in latest.standards.all()
            ),
        }
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.template_save(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                standards=data["standards"],
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, f"Version {template.version} of the standards saved")
            return redirect("assurance:template", pk=template.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Write the standards",
            "button": "Save as a new version",
            "back": "assurance:assessments",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def template(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(StandardTemplate, pk=pk)
    return render(
        request, "assurance/template.html", {"template": found, "standards": found.standards.all()}
    )


@capability_required(Cap.MANAGE)
def round_new(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = services.round_open(
                actor=request.user,
                title=data["title"],
                year=data["year"],
                returns_due_on=data["returns_due_on"],
                organisations=organisations_of(data["kinds"]),
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, f"{found.title}: organisations asked")
            return redirect("assurance:round", pk=found.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Open a round of self-assessments",
            "button": "Open the round",
            "back": "assurance:assessments",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Round, pk=pk)
    rows = []
    for assessment in found.assessments.select_related("organisation", "template"):
        counts = rules.rag_counts(assessment.ratings.values_list("rag", flat=True))
        rows.append((assessment, counts))
    return render(request, "assurance/round.html", {"round": found, "rows": rows})


@capability_required(Cap.SELF_ASSESS)
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.assessment_for(actor=request.user, pk=pk)
    step = request.POST.get("step", "")
    standards = list(found.template.standards.all())
    may_return = policies.can_return_assessment(request.user, found)
    may_challenge = policies.can_challenge(request.user, found)
    ratings = selectors.ratings_of(found)
    returning = return_form(standards, request.POST if step == "return" else None)
    challenge = ChallengeForm(request.POST if step == "challenge" else None, ratings=ratings)
    answer = AnswerForm(request.POST if step.startswith("answer") else None)
    if request.method == "POST":
        try:
            if step == "return":
                if not may_return:
                    raise Http404
                if returning.is_valid():
                    data = returning.cleaned_data
                    services.assessment_return(
                        actor=request.user,
                        assessment=found,
                        ratings={
                            s.pk: (data[f"rag_{s.pk}"], data[f"evidence_{s.pk}"]) for s in standards
                        },
                        voice_of_child=data["voice_of_child"],
                    )
                    messages.success(request, "Your self-assessment is returned")
                    return redirect("assurance:assessment", pk=found.pk)
            elif step == "challenge":
                if not may_challenge:
                    raise Http404
                if challenge.is_valid():
                    rating = next(
                        (r for r in ratings if str(r.pk) == challenge.cleaned_data["rating"]), None
                    )
                    services.challenge_raise(
                        actor=request.user,
                        rating=rating,
                        question=challenge.cleaned_data["question"],
                    )
                    messages.success(
                        request, "Challenge sent: the organisation has 10 working days"
                    )
                    return redirect("assurance:assessment", pk=found.pk)
            elif step.startswith("answer_"):
                number = step[7:]
                target = selectors.challenge_for(
                    actor=request.user, pk=int(number) if number.isdigit() else 0
                )
                if target.rating.assessment_id != found.pk or not policies.can_answer_challenge(
                    request.user, target
                ):
                    raise Http404
                if answer.is_valid():
                    services.challenge_answer(
                        actor=request.user, challenge=target, answer=answer.cleaned_data["answer"]
                    )
                    messages.success(request, "Your answer is recorded")
                    return redirect("assurance:assessment", pk=found.pk)
        except ValidationError as error:
            place_errors({"return": returning, "challenge": challenge}.get(step, answer), error)
    return render(
        request,
        "assurance/assessment.html",
        {
            "assessment": found,
            "ratings": ratings,
            "returning": returning if may_return else None,
            "challenge": challenge if may_challenge and ratings else None,
            "answer": answer,
            "answering": step[7:] if step.startswith("answer_") else "",
            "may_answer": policies.can(request.user, Cap.SELF_ASSESS)
            and getattr(request.user, "organisation_id", None) == found.organisation_id,
            "manages": policies.manages(request.user),
            "actions": actions_of_source(
                source_kind=services.SOURCE_KIND, source_ids=[str(found.pk)]
            ),
            "may_open_actions": action_policies.may_open_action_pages(request.user),
            "movements": selectors.movements(organisation_id=found.organisation_id),
            "movement_labels": rules.MOVEMENTS,
            "rag_labels": rules.RAG_SHORT,
            "voice_question": rules.VOICE_OF_THE_CHILD,
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def assessment_action(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.assessment_for(actor=request.user, pk=pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_action_add(
                actor=request.user,
                assessment=found,
                title=data["title"],
                due_on=data["due_on"],
                description=data["description"],
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "Action added to the partnership action plan")
            return redirect("assurance:assessment", pk=found.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": f"Add an action for {found.organisation.name}",
            "button": "Add the action",
            "back_url": f"/assurance/self-assessments/{found.pk}",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.FIGURES)
def comparison(request: HttpRequest) -> HttpResponse:
    """Year on year: the partnership's ratings, or one organisation's."""
    chosen = request.GET.get("organisation", "")
    organisation = Organisation.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    rows = selectors.comparison(organisation_id=organisation.pk if organisation else None)
    title = (
        f"Ratings by year, {organisation.name}"
        if organisation
        else "Ratings by year, the partnership"
    )
    chart_rows = [(str(row.year), row.counts) for row in rows]
    asked = Organisation.objects.filter(pk__in=SelfAssessment.objects.values("organisation_id"))
    return render(
        request,
        "assurance/comparison.html",
        {
            "rows": rows,
            "title": title,
            "organisation": organisation,
            "organisations": asked.order_by("name"),
            "chart": charts.data_uri(charts.rag_chart(rows=chart_rows, title=title)),
            "alt": charts.describe_rag(rows=chart_rows, title=title),
            "rag": rules.RAG_SHORT,
        },
    )


urlpatterns = [
    path("self-assessments", assessments, name="assessments"),
    path("self-assessments/standards/new", template_new, name="template_new"),
    path("self-assessments/standards/<int:pk>", template, name="template"),
    path("self-assessments/rounds/new", round_new, name="round_new"),
    path("self-assessments/rounds/<int:pk>", round_page, name="round"),
    path("self-assessments/comparison", comparison, name="comparison"),
    path("self-assessments/<int:pk>", assessment, name="assessment"),
    path("self-assessments/<int:pk>/action", assessment_action, name="assessment_action"),
]
