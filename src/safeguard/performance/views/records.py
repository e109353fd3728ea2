"""Census imports: the LA data team uploads record-level DfE data and sees the figures it gives.

Only the data team may open this page (``performance.import_records``); every opening and every
import is audited, by ids and counts. A good upload is answered on the same page with what
changed and the validators' findings (these name the LA's own child ids, so they are shown once
and not kept); a bad one with every problem, and nothing changed.
"""

from __future__ import annotations

from typing import BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.performance import periods, policies, rules, selectors
from safeguard.performance.census.keys import KEYS
from safeguard.performance.forms import CensusUploadForm
from safeguard.performance.importers.census.problems import Problem
from safeguard.performance.importers.census.upload import Upload, read_cin, read_ssda903
from safeguard.performance.services.records import (
    RECORD_IMPORT,
    ImportResult,
    RecordsRefused,
    record_import_refused,
    records_import,
)


def _upload(file: UploadedFile) -> Upload:
    return Upload(name=file.name or "", size=file.size or 0, content=cast(BinaryIO, file))


@capability_required(policies.IMPORT_RECORDS)
def records(request: HttpRequest) -> HttpResponse:
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    result: ImportResult | None = None
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
        else:
            try:
                result = records_import(
                    actor=request.user,
                    year=data["year"],
                    population=data["population"],
                    cin=cin,
                    ssda903=ssda903,
                    validate=data["validate"],
                )
            except RecordsRefused as refused:
                problems = refused.problems
        if problems:
            form.add_error(
                "cin_file" if data["cin_file"] else "ssda903_files",
                f"The upload was not imported: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, listed below. Nothing was changed.",
            )
    else:
        audit.record_view(actor=request.user, record_type=RECORD_IMPORT, record_id="list")
    fed = list(selectors.census_fed_indicators(actor=request.user))
    return render(
        request,
        "performance/records.html",
        {
            "form": form,
            "problems": problems,
            "result": result,
            "changes": [
                {
                    "indicator": c.indicator,
                    "period": periods.label(c.period_start, c.indicator.frequency),
                    "before": rules.display(c.before, c.indicator.unit),
                    "after": rules.display(c.after, c.indicator.unit),
                }
                for c in (result.changes if result else [])
            ],
            "imports": selectors.record_imports(actor=request.user),
            "fed": [(i, KEYS.get(i.census_key, ("Unknown definition", "", ""))[0]) for i in fed],
        },
    )


urlpatterns = [path("records", records, name="records")]
