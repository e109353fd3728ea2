"""Issue 10, point 5: the agency request list, learning sheet titles, who has viewed a case."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.reviews import rules
from safeguard.reviews.forms import AgencyRequestForm
from safeguard.reviews.services import learning
from safeguard.reviews.services import rapid_reviews as rr
from tests import factories
from tests.reviews.helpers import ON_DECISION_DAY, notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db


def test_the_agency_list_offers_the_involved_first_and_no_school_unless_involved() -> None:
    p = partnership()
    factories.organisation(name="Another Primary", kind="school", urn="100002")
    incident = notified_case(p)  # involved: police, ICB, LA
    incident.agencies_involved.add(p.school)
    rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=ON_DECISION_DAY,
    )
    incident.refresh_from_db()
    field = AgencyRequestForm(incident=incident).fields["organisation"]
    groups = dict((label, options) for label, options in field.choices if label)
    involved = [name for _, name in groups["Involved with the child or family"]]
    others = [name for _, name in groups["Other agencies"]]
    assert involved == ["Anyshire Council", "Anyshire ICB", "Anytown Primary"]  # police asked
    assert "Another Primary" not in others and "Anyshire Police" not in others
    page = signed_in(p.bu_officer).get(reverse("reviews:rr_request_add", args=[incident.pk]))
    body = html.unescape(page.content.decode())
    assert '<optgroup label="Involved with the child or family">' in body
    assert body.index("Anyshire ICB") < body.index("Partnership Business Unit")
    # A school not involved cannot be posted either.
    other_school = factories.organisation(name="Third Primary", kind="school", urn="100003")
    form = AgencyRequestForm(
        {"organisation": other_school.pk, "due_on": "08/01/2027"}, incident=incident
    )
    assert not form.is_valid() and "organisation" in form.errors


def test_a_learning_sheet_never_carries_a_case_reference() -> None:
    p = partnership()
    incident = notified_case(p)
    fields = {
        "what_happened": "A baby was injured.",
        "good_practice": "",
        "learning": "Curiosity.",
        "do_differently": "",
    }
    for title in (
        f"Learning from review {incident.reference}",
        "Learning from scsi-2025-0007",
    ):
        with pytest.raises(ValidationError) as refused:
            learning.learning_sheet_save(
                actor=p.bu_officer, incident=incident, title=title, **fields
            )
        assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        learning.learning_sheet_save(
            actor=p.bu_officer,
            incident=incident,
            title="Curiosity about injuries",
            **{**fields, "learning": f"As {incident.reference} showed"},
        )
    assert "learning" in refused.value.message_dict
    sheet = learning.learning_sheet_save(
        actor=p.bu_officer, incident=incident, title="Curiosity about injuries", **fields
    )
    assert sheet.title == "Curiosity about injuries"


def test_who_has_viewed_shows_pages_in_words_not_route_names() -> None:
    p = partnership()
    incident = notified_case(p)
    signed_in(p.bu_officer).get(reverse("reviews:case", args=[incident.pk]))
    signed_in(p.bu_officer).get(reverse("reviews:rapid_review", args=[incident.pk]))
    body = html.unescape(
        signed_in(p.chair).get(reverse("reviews:case", args=[incident.pk])).content.decode()
    )
    viewers = body.split('id="case-viewers"')[1].split("</table>")[0]
    assert "The case" in viewers and "The Rapid Review" in viewers
    assert "reviews:" not in viewers and "None" not in viewers


def test_page_labels() -> None:
    assert rules.page_label("reviews:rr_findings") == "The Rapid Review"
    assert rules.page_label("api:reviews_case_state") == "A partner system"
    assert rules.page_label("") == "Not recorded"
    assert ":" not in rules.page_label("core:something_new")


def _published(p, incident, title: str, learning_text: str, theme_names: list[str]):
    from safeguard.reviews.models import Theme

    sheet = learning.learning_sheet_save(
        actor=p.bu_officer,
        incident=incident,
        title=title,
        what_happened="A child was harmed.",
        good_practice="",
        learning=learning_text,
        do_differently="",
        themes=Theme.objects.filter(name__in=theme_names),
    )
    return learning.learning_sheet_publish(actor=p.bu_officer, sheet=sheet)


def test_published_learning_is_searched_by_theme_and_words_with_theme_counts() -> None:
    from safeguard.reviews.models import Theme
    from safeguard.reviews.services.referrals import referral_receive
    from tests.reviews.helpers import ON_AWARENESS_DAY, child, referral_values

    p = partnership()
    first = notified_case(p)
    second, _ = referral_receive(
        organisation=p.police,
        sender_reference="P1",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    from safeguard.reviews.services.decisions import incident_decide

    second = incident_decide(
        actor=p.decision_maker,
        incident=second,
        decision="notify",
        rationale="r",
        panel_notified_on=date(2026, 12, 22),
        now=ON_DECISION_DAY,
    )
    _published(
        p, first, "Bruising in babies", "Bruising in a non-mobile baby", ["Professional curiosity"]
    )
    _published(
        p, second, "Hidden adults", "A partner not known to agencies", ["Disguised compliance"]
    )
    client = signed_in(p.school_dsl)  # anyone who may read learning
    url = reverse("reviews:learning")
    curiosity = Theme.objects.get(name="Professional curiosity")
    by_theme = client.get(url, {"theme": curiosity.pk}).content.decode()
    found = by_theme.split('id="learning-sheets"')[1].split("</table>")[0]
    assert "Bruising in babies" in found and "Hidden adults" not in found
    by_words = client.get(url, {"words": "partner agencies"}).content.decode()
    found = by_words.split('id="learning-sheets"')[1].split("</table>")[0]
    assert "Hidden adults" in found and "Bruising in babies" not in found
    none = client.get(url, {"words": "zebra"}).content.decode()
    assert "No published learning matches your search." in none
    counts = by_words.split('id="theme-counts"')[1].split("</table>")[0]
    assert "Professional curiosity" in counts and "Disguised compliance" in counts


def test_the_findings_page_shows_other_reviews_published_learning() -> None:
    p = partnership()
    earlier = notified_case(p)
    _published(p, earlier, "Bruising in babies", "Bruising", ["Professional curiosity"])
    from safeguard.reviews.services.decisions import incident_decide
    from safeguard.reviews.services.referrals import referral_receive
    from tests.reviews.helpers import ON_AWARENESS_DAY, child, referral_values

    later, _ = referral_receive(
        organisation=p.police,
        sender_reference="P2",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    later = incident_decide(
        actor=p.decision_maker,
        incident=later,
        decision="notify",
        rationale="r",
        panel_notified_on=date(2026, 12, 22),
        now=ON_DECISION_DAY,
    )
    client = signed_in(p.bu_officer)
    page = client.get(reverse("reviews:rr_findings", args=[later.pk])).content.decode()
    section = page.split('id="learned-before"')[1]
    assert "Bruising in babies" in section and "Professional curiosity" in section
    own = client.get(reverse("reviews:rr_findings", args=[earlier.pk])).content.decode()
    assert "Bruising in babies" not in own.split('id="learned-before"')[1]


def test_the_kernel_pages_name_the_modules_codes_in_words() -> None:
    from safeguard.core.labels import label_for

    assert label_for("reviews.incident") == "Serious incident case"
    assert label_for("reviews.overdue_chased") == "Overdue review work chased"
    assert label_for("reviews:case") == "Serious incidents: The case"
