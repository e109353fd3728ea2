# mypy: ignore-errors
"""Run a data-to-insight validator and print its findings as JSON: runs INSIDE .venv-validators.

This file is executed by that environment's Python (``validators.py`` starts it), never imported
by Safeguard: it imports pandas 1.x and the validators, which must not enter the main
environment. It uses the same calls as the validators' own ``run`` commands, whose output is a
printed DataFrame meant for people, and prints instead one JSON object: ``{"findings": [...]}``.
Standard library and the validators only; it knows nothing of Safeguard.
"""

import contextlib
import importlib
import json
import logging
import math
import sys
import warnings
import xml.etree.ElementTree as ET


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value)
    return None if text in {"nan", "NaT", "None", "<NA>"} else text


def _row_number(value):
    cleaned = _clean(value)
    try:
        return int(float(cleaned)) if cleaned is not None else None
    except ValueError:
        return None


def cin(path, year):
    from cin_validator import cin_validator

    ruleset = f"cin{year - 1}_{str(year)[2:]}"
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    # The caller has already parsed this file with defusedxml and refused any DTD or entity.
    root = ET.parse(path).getroot()  # noqa: S314 (refused there if hostile)
    data = cin_validator.process_data(cin_validator.convert_data(root))
    result = cin_validator.CinValidator(data, registry)
    findings = []
    for rec in result.user_report.to_dict("records") if len(result.user_report) else []:
        code = _clean(rec.get("rule_code"))
        rule = registry.get(code) if code else None
        findings.append(
            {
                "rule": code,
                "kind": rule.rule_type.value if rule is not None else None,
                "message": _clean(rec.get("rule_description")),
                "table": _clean(rec.get("tables_affected")),
                "column": _clean(rec.get("columns_affected")),
                "child_id": _clean(rec.get("LAchildID")),
                "row": _row_number(rec.get("ROW_ID")),
                "value": _clean(rec.get("value_flagged")),
            }
        )
    for rec in result.multichild_issues.drop_duplicates().to_dict("records"):
        code = _clean(rec.get("rule_code"))
        rule = registry.get(code) if code else None
        findings.append(
            {
                "rule": code,
                "kind": rule.rule_type.value if rule is not None else None,
                "message": _clean(rec.get("rule_description")),
                "table": None,
                "column": None,
                "child_id": None,
                "row": None,
                "value": None,
            }
        )
    return ruleset, findings


def ssda903(paths, year, la_code):
    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    registry = get_year_ruleset(str(year))
    files = process_uploaded_files({"This year": list(paths)})
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": str(year), "localAuthority": la_code},
        files=files,
        registry=registry,
        selected_rules=None,
    )
    report = Report(validator.ds_results, registry)
    issues = lac_validator.create_issue_df(report.report, report.error_report)
    findings = []
    for rec in issues.to_dict("records"):
        code = _clean(rec.get("rule_code"))
        findings.append(
            {
                "rule": code,
                "kind": "Error",
                "message": _clean(rec.get("rule_description")),
                "table": _clean(rec.get("tables_affected")),
                "column": _clean(rec.get("columns_affected")),
                "child_id": _clean(rec.get("child_id")),
                "row": _row_number(rec.get("row_id")),
                "value": None,
            }
        )
    return f"lac{year - 1}_{str(year)[2:]}", findings


def main(argv):
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)  # the 903 validator logs every rule it runs
    kind, year = argv[0], int(argv[1])
    # The validators print odds and ends of their own: keep standard output for the report.
    with contextlib.redirect_stdout(sys.stderr):
        if kind == "cin":
            ruleset, findings = cin(argv[2], year)
        elif kind == "ssda903":
            la_code = argv[2] if argv[2] != "-" else "E09000027"
            ruleset, findings = ssda903(argv[4:], year, la_code)
        else:
            raise SystemExit(f"unknown validator {kind!r}")
    json.dump({"ruleset": ruleset, "findings": findings}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
