"""Plain-English labels for the codes the platform stores: routes, record types, reasons.

The audit trail stores route names (``reviews:rr_request``), record types (``reviews.case``)
and the outbox stores reasons (``deadline.due-soon``): codes, so that they can be searched and
never change. A page shows a label instead. Modules name their own codes when their app loads
(``register``); the service navigation names the pages it links to; anything else gets a
humanised label ("Reviews: rr request"), never the raw code.
"""

from __future__ import annotations

import re

from django.apps import apps

from safeguard.core import navigation

_labels: dict[str, str] = {}
_AREAS = {"core": "Partnership", "cli": "Command line", "api": "API"}
_SEPARATORS = re.compile(r"[._\-/]+")


# A code inside free text: 'area:name' or 'area.name' made of lower-case words.
_CODE_IN_TEXT = re.compile(r"(?<![\w/.:@-])[a-z][a-z0-9]*[.:][a-z][a-z0-9_\-]*(?![\w/@-])")


_SNAKE_IN_TEXT = re.compile(r"(?<![\w/.:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")


def register(code: str, label: str) -> None:
    """Name a route (``area:name``), record type (``area.thing``) or reason for the pages."""
    _labels[code] = label


def register_many(labels: dict[str, str]) -> None:
    for code, label in labels.items():
        register(code, label)


def _words(text: str) -> str:
    return " ".join(_SEPARATORS.sub(" ", text).split())


def humanise(code: str) -> str:
    """A label made from the code's words: 'reviews:rr_request' -> 'Reviews: rr request'."""
    code = code.strip()
    if not code:
        return ""
    area, sep, rest = code.partition(":")
    if not sep:
        area, sep, rest = code.partition(".")
    if not sep:
        words = _words(code)
        return words[:1].upper() + words[1:]
    area_label = _AREAS.get(area, _words(area).capitalize())
    rest_words = _words(rest.replace(":", " "))
    return f"{area_label}: {rest_words}" if rest_words else area_label


def in_words(text: object) -> str:
    """Free text (an audit row's detail) with each code in it replaced by its label."""
    value = "" if text is None else str(text)
    value = _CODE_IN_TEXT.sub(lambda found: label_for(found.group(0)), value)
    return _SNAKE_IN_TEXT.sub(lambda found: label_for(found.group(0)).lower(), value)


def record_name(record_type: object, record_id: object) -> str:
    """An audited record as a person reads it: 'Person 12', 'Who viewed Serious incident 4'.

    Reads of the audit trail are recorded against ``core.audit`` with the record read as the
    id ('reviews.incident:4', 'views:reviews.incident:4', 'person:12'): spelt out here.
    """
    kind, ident = str(record_type or ""), "" if record_id is None else str(record_id)
    if kind == "core.audit" and ident:
        head, _, rest = ident.partition(":")
        if head == "views" and rest:
            inner_type, _, inner_id = rest.rpartition(":")
            return f"Who viewed {record_name(inner_type, inner_id)}"
        if head == "person" and rest:
            return f"Everything person {rest} did"
        if rest:
            return f"History of {record_name(head, rest)}"
    return f"{label_for(kind)} {ident}".strip()


def label_for(code: object) -> str:
    """The label a person reads for ``code``: registered, the navigation's, or humanised."""
    text = "" if code is None else str(code)
    if text in _labels:
        return _labels[text]
    for item in navigation.items():
        if item.url_name == text:
            return item.label
    if text and text.isidentifier() and apps.is_installed(f"safeguard.{text}"):
        return str(apps.get_app_config(text).verbose_name)  # a module's own name
    return humanise(text)


register_many(
    {
        # Kernel routes that the navigation does not name.
        "core:home": "Home",
        "core:sign_in": "Sign in",
        "core:sign_out": "Sign out",
        "core:second_factor": "Sign-in code",
        "core:sign_in_recovery_code": "Sign in with a recovery code",
        "core:enrol": "Set up the authenticator app",
        "core:recovery_codes": "Recovery codes",
        "core:confirm_second_factor": "Confirm with a code",
        "core:account": "Your account",
        "core:new_recovery_codes": "New recovery codes",
        "core:set_password": "Set a password",
        "core:forgot_password": "Forgot password",
        "core:audit_person": "Audit trail: one person",
        "core:audit_record": "Audit trail: one record",
        "core:outbox_message": "Notification",
        "core:healthz": "Health check",
        "core:outbox_retry": "Try sending a notification again",
        "core:organisation_detail": "Organisation",
        "core:organisation_create": "Add an organisation",
        "core:organisation_edit": "Change an organisation",
        "core:organisation_deactivate": "Deactivate an organisation",
        "core:organisation_reactivate": "Reactivate an organisation",
        "core:groups": "Groups",
        "core:group_detail": "Group",
        "core:group_create": "Add a group",
        "core:group_edit": "Change a group",
        "core:membership_add": "Add a group member",
        "core:membership_change_role": "Change a member's role in a group",
        "core:membership_remove": "Remove a group member",
        "core:people": "People",
        "core:person_detail": "Person",
        "core:person_create": "Add a person",
        "core:person_edit": "Change a person",
        "core:person_roles": "Change a person's roles",
        "core:person_password": "Set a person's password",
        "core:person_deactivate": "Deactivate an account",
        "core:person_reactivate": "Reactivate an account",
        "core:person_reset_second_factor": "Reset a person's second factor",
        "core:person_invite": "Invite a person",
        "core:apikey_create": "Make an API key",
        "core:apikey_revoke": "Revoke an API key",
        "core:holiday_add": "Add a bank holiday",
        "cli:audit show": "Command line: audit history",
        # Kernel record types.
        "core.person": "Person",
        "core.organisation": "Organisation",
        "core.group": "Group",
        "core.membership": "Group membership",
        "core.apikey": "API key",
        "core.audit": "Audit trail",
        "core.outbox_message": "Notification",
        "core.extra_holiday": "Bank holiday",
        "core.demo_partnership": "Demo partnership",
        "otp_totp.totpdevice": "Authenticator app",
        "api": "API",
        "core.deadline": "Deadline",
        "page": "Page",
        # Kernel reasons for e-mail.
        "account.invitation": "Invitation to set a password",
        "account.password_reset": "Password reset link",
        "deadline.due-soon": "A deadline is due soon",
        "deadline.overdue": "A deadline is overdue",
    }
)
