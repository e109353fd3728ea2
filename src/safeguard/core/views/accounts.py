from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from safeguard.core.http import public


@public
def locked_out(request: HttpRequest, credentials: dict | None = None, *args: object, **kwargs: object) -> HttpResponse:
    return render(request, "core/accounts/locked_out.html", status=429)


urlpatterns = [
    path("sign-in", public(auth_views.LoginView.as_view()), name="sign_in"),
    path("sign-out", public(auth_views.LogoutView.as_view()), name="sign_out"),
]
