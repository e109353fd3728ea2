"""Census imports: the LA data team uploads record-level DfE data and sees the figures it gives.

Only the data team may open this page (``performance.import_records``); every opening and every
import is audited, by ids and counts. The page makes only the quick checks (sizes, file names, a
ZIP bomb) and answers those at once; then it keeps the files, queues the import as a background
job and sends the person to the job's progress page, which shows the problems, or what changed
and the validators' findings (these name the LA's own child ids, so only the person and the data
team see them). The same files sent again are recognised and not imported twice.
"""

from __future__ import annotations

from typing import BinaryIO, cast

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.core.selectors import jobs as job_selectors
from safeguard.core.services import jobs
from safeguard.core.templatetags.govuk import govuk_datetime
from safeguard.performance import policies, selectors, tasks
from safeguard.performance.census.keys import KEYS
from safeguard.performance.forms import CensusUploadForm
from safeguard.performance.importers.census.problems import Problem
from safeguard.performance.importers.census.upload import Upload, read_cin, read_ssda903
from safeguard.performance.services.records import (
    IMPORT_JOB,
    RECORD_IMPORT,
    record_import_refused,
    upload_fingerprint,
    upload_keep,
)


def _upload(file: UploadedFile) -> Upload:
    return Upload(name=file.name or "", size=file.size or 0, content=cast(BinaryIO, file))


@capability_required(policies.IMPORT_RECORDS)
def records(request: HttpRequest) -> HttpResponse:
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cin = read_cin(_upload(data["cin_file"]), problems) if data["cin_file"] else None
        ssda903 = (
            read_ssda903([_upload(f) for f in data["ssda903_files"]], problems)
            if data["ssda903_files"]
            else None
        )
        kinds = {"cin"} if data["cin_file"] else set()
        kinds |= {"ssda903"} if data["ssda903_files"] else set()
        if problems:
            record_import_refused(request.user, data["year"], kinds, problems, timezone.now())
            form.add_error(
                "cin_file" if data["cin_file"] else "ssda903_files",
                f"The upload was not imported: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, listed below. Nothing was changed.",
            )
        else:
            fingerprint = upload_fingerprint(
                year=data["year"],
                population=data["population"],
                validate=data["validate"],
                cin=cin,
                ssda903=ssda903,
            )
            earlier = job_selectors.same_input(
                actor=request.user, kind=IMPORT_JOB, fingerprint=fingerprint
            )
            if earlier is not None:
                messages.info(
                    request,
                    "These files were uploaded before, for the same year, on "
                    f"{govuk_datetime(earlier.created_at)}: this is that import. "
                    "Nothing was imported again.",
                )
                return redirect("core:job", pk=earlier.pk)
            folder = upload_keep(cin=cin, ssda903=ssda903)
            job = jobs.job_start(
                actor=request.user,
                kind=IMPORT_JOB,
                task=tasks.census_import,
                task_kwargs={
                    "year": data["year"],
                    "population": data["population"],
                    "validate": data["validate"],
                    "folder": str(folder),
                },
                view_capability=policies.IMPORT_RECORDS,
                fingerprint=fingerprint,
            )
            return redirect("core:job", pk=job.pk)
    else:
        audit.record_view(actor=request.user, record_type=RECORD_IMPORT, record_id="list")
    fed = list(selectors.census_fed_indicators(actor=request.user))
    return render(
        request,
        "performance/records.html",
        {
            "form": form,
            "problems": problems,
            "imports": selectors.record_imports(actor=request.user),
            "fed": [(i, KEYS.get(i.census_key, ("Unknown definition", "", ""))[0]) for i in fed],
        },
    )


urlpatterns = [path("records", records, name="records")]
