"""The module's front page: links to the parts the person may use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from safeguard.assurance import policies
from safeguard.assurance.policies import Cap
from safeguard.core.http import capability_required
from safeguard.core.roles import Capability


def may_open(person: object) -> bool:
    return any(
        policies.can(person, cap)
        for cap in (Cap.ESCALATE, Cap.SELF_ASSESS, Cap.SECURE_RETURN, Cap.AUDIT, Cap.FIGURES)
    )


@capability_required(Capability.USE_SERVICE)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "assurance/index.html",
        {
            "escalate": policies.can(user, Cap.ESCALATE),
            "self_assess": policies.can(user, Cap.SELF_ASSESS),
            "secure": policies.can(user, Cap.SECURE_RETURN),
            "figures": policies.can(user, Cap.FIGURES),
            "audit": policies.can(user, Cap.AUDIT),
            "anything": may_open(user),
        },
    )


urlpatterns = [path("", index, name="index")]
