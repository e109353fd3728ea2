"""The deprivation (IMD) lookup, replaced by the CDOP team or the Business Unit from a page.

The page makes only the quick checks (a file chosen, a CSV, its size) and answers those at once;
then it keeps the files, queues the import as a background job (ADR 0007) and sends the person to
the job's progress page, which lists every bad row (file, line, column, reason) of a refused file
or says what changed. All or nothing: a refused file changes nothing. The same files sent again
lead to the earlier job. The lookup is public data about areas; no death is shown here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.child_deaths import policies, tasks
from safeguard.child_deaths.forms import DeprivationUploadForm
from safeguard.child_deaths.policies import Cap
from safeguard.child_deaths.services import deprivation as services
from safeguard.child_deaths.services._common import AREA
from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.core.models.audit import AuditAction
from safeguard.core.selectors import jobs as job_selectors
from safeguard.core.services import jobs
from safeguard.core.templatetags.govuk import govuk_datetime


@capability_required(Cap.REVIEW)
def deprivation(request: HttpRequest) -> HttpResponse:
    if not policies.may_import_deprivation(request.user):
        audit.record(
            action=AuditAction.DENIED, record_type=AREA, actor=request.user, detail="import page"
        )
        raise PermissionDenied
    posted = request.method == "POST"
    form = DeprivationUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        areas = form.cleaned_data["areas"].read() if form.cleaned_data["areas"] else None
        postcodes = (
            form.cleaned_data["postcodes"].read() if form.cleaned_data["postcodes"] else None
        )
        fingerprint = services.upload_fingerprint(areas=areas, postcodes=postcodes)
        earlier = job_selectors.same_input(
            actor=request.user, kind=services.IMPORT_JOB, fingerprint=fingerprint
        )
        if earlier is not None:
            messages.info(
                request,
                "These files were uploaded before, on "
                f"{govuk_datetime(earlier.created_at)}: this is that import. "
                "Nothing was imported again.",
            )
            return redirect("core:job", pk=earlier.pk)
        folder = services.upload_keep(areas=areas, postcodes=postcodes)
        job = jobs.job_start(
            actor=request.user,
            kind=services.IMPORT_JOB,
            task=tasks.deprivation_import,
            task_kwargs={"folder": str(folder)},
            view_capability=Cap.IMPORT_DEPRIVATION,
            fingerprint=fingerprint,
        )
        return redirect("core:job", pk=job.pk)
    return render(
        request,
        "child_deaths/deprivation.html",
        {"form": form, "state": services.lookup_state()},
        status=400 if form.errors else 200,
    )


urlpatterns = [path("deprivation", deprivation, name="deprivation")]
