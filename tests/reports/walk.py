"""The annual report's part of the permission walk (merged by tests/test_permission_walk.py),
with governance's funding and priority pages, which came with it (issue 17).

The draft report and its workflow open for the partnership's leaders (``reports.view``); the
published version for everyone. A section is reviewed by its owner alone, so its review page
answers 403 to everyone else who sees the draft. A PDF belongs to whoever asked for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from safeguard.core.roles import Role, roles_with
from safeguard.governance.policies import FundingCap, PriorityCap
from safeguard.reports.policies import Cap

_MANAGERS = {Role.BUSINESS_UNIT_ADMIN.value, Role.BUSINESS_UNIT_OFFICER.value}


def _all(capability: str, status: int, *, but: set[str] = frozenset()) -> dict[str, int]:  # type: ignore[assignment]
    return {role: status for role in roles_with(capability) if role not in but}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    report = _pk("report")
    published = _pk("published_report")
    narrative = _pk("narrative")
    priority = _pk("priority")
    return {
        "reports:list": Route(Cap.READ_PUBLISHED),
        "reports:add": Route(Cap.MANAGE),
        "reports:report": Route(Cap.VIEW, kwargs=report),
        "reports:published": Route(Cap.READ_PUBLISHED, kwargs=published),
        "reports:publish": Route(Cap.MANAGE, kwargs=report, ok_status=405),
        "reports:pdf_start": Route(Cap.READ_PUBLISHED, kwargs=report, ok_status=405),
        # Nobody of the walk asked for a PDF: none to download.
        "reports:pdf_file": Route(
            Cap.READ_PUBLISHED, kwargs=lambda o: {"pk": 999_999}, ok_status=404
        ),
        "reports:narrative_docx": Route(Cap.VIEW, kwargs=report),
        # The published report at its public address, for anyone signed in or not; its PDF is
        # made by the worker at publication (none has run in the walk: 404 says "being
        # prepared").
        "reports:public_list": Route("public"),
        "reports:public_report": Route("public", kwargs=published),
        "reports:public_pdf": Route("public", kwargs=published, ok_status=404),
        "reports:narrative": Route(Cap.VIEW, kwargs=narrative),
        "reports:narrative_write": Route(Cap.MANAGE, kwargs=narrative),
        "reports:narrative_submit": Route(Cap.MANAGE, kwargs=narrative, ok_status=405),
        # The section is a draft, with its owner for nobody: no one may review it now.
        "reports:narrative_review": Route(
            Cap.VIEW, kwargs=narrative, signed_in_status=_all(Cap.VIEW, 403)
        ),
        "reports:narrative_sign_off": Route(Cap.SIGN_OFF, kwargs=narrative, ok_status=405),
        "governance:funding": Route(FundingCap.VIEW),
        "governance:funding_add": Route(FundingCap.MANAGE),
        "governance:priorities": Route(PriorityCap.VIEW),
        "governance:priority_add": Route(PriorityCap.MANAGE),
        "governance:priority": Route(PriorityCap.VIEW, kwargs=priority),
        "governance:priority_evidence": Route(PriorityCap.MANAGE, kwargs=priority),
        # Progress is the lead's (none here) or the Business Unit's.
        "governance:priority_progress": Route(
            PriorityCap.VIEW,
            kwargs=priority,
            signed_in_status=_all(PriorityCap.VIEW, 403, but=_MANAGERS),
        ),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.governance.services import priorities
    from safeguard.reports.models import Report
    from safeguard.reports.services import reports

    report = reports.report_create(
        actor=admin,
        title="Walk report",
        period_start=date(2021, 4, 1),
        period_end=date(2023, 3, 31),
    )
    published = reports.report_create(
        actor=admin,
        title="Walk published report",
        period_start=date(2019, 4, 1),
        period_end=date(2021, 3, 31),
    )
    Report.objects.filter(pk=published.pk).update(
        status="published", published_at=timezone.now(), published_html="<p>Published.</p>"
    )
    priority = priorities.priority_create(
        actor=admin,
        title="Walk priority",
        lead_organisation=organisation,
        starts_on=date(2021, 4, 1),
    )
    return {
        "report": report,
        "published_report": published,
        "narrative": report.narratives.get(key="key_learning"),
        "priority": priority,
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST, each posted complete where a body is needed."""
    return {
        "reports:add": Form(
            body=lambda o: {
                "title": "Walk report 2",
                "period_start": "01/04/2023",
                "period_end": "31/03/2024",
                "threshold": "5",
            }
        ),
        "reports:publish": Form(),
        "reports:pdf_start": Form(body=lambda o: {"version": "public"}),
        "reports:narrative_write": Form(body=lambda o: {"body": "Walk text."}),
        "reports:narrative_submit": Form(),
        "reports:narrative_review": Form(body=lambda o: {"decision": "approve"}),
        "reports:narrative_sign_off": Form(),
        "governance:funding_add": Form(
            body=lambda o: {
                "organisation": o["organisation"].pk,
                "year_start": f"{date.today().year}-04-01",
                "amount": "1000",
                "funds": "Walk",
            }
        ),
        "governance:priority_add": Form(
            body=lambda o: {
                "title": "Walk priority 2",
                "lead_organisation": o["organisation"].pk,
                "starts_on": "01/04/2021",
            }
        ),
        "governance:priority_evidence": Form(
            body=lambda o: {"title": "Walk evidence", "url": "https://example.invalid/x"}
        ),
        "governance:priority_progress": Form(
            body=lambda o: {"on": "01/04/2022", "text": "Walk progress"}
        ),
    }
