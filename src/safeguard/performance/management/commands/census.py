"""``safeguard census``: indicators from record-level DfE data, and the DfE validators' findings.

``safeguard census indicators --cin FILE.xml [--ssda903 DIR] --year 2025 --population N``
prints the child protection and looked-after indicators as CSV (``key,name,unit,numerator,
denominator,value``) for the year ending 31 March ``year`` (or ``--date`` for any last day).

``safeguard census validate --cin FILE.xml | --ssda903 DIR --year 2025`` prints the
data-to-insight validators' findings as CSV (``source,rule,kind,table,column,child_id,row,
value,message``); they run in ``.venv-validators`` (``make validators``).

A refused file stops the command with every problem on standard error and exit code 2, before
anything is printed. Both read record-level data, so each run is written to the audit trail
(by file kind only: file names may carry identifying text).
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError

from safeguard.core import audit, holidays
from safeguard.core.clock import HolidayDataExhausted
from safeguard.performance.census import indicators, store
from safeguard.performance.importers.census import cin_xml, ssda903_csv, validators
from safeguard.performance.importers.census.problems import CensusFileRefused


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise ArgumentTypeError(f"must be a whole number above 0: {text!r}")
    return number


def _year(text: str) -> int:
    number = _positive(text)
    if not 2000 <= number <= 2100:
        raise ArgumentTypeError(f"not a reporting year such as 2025: {text!r}")
    return number


def _refused(error: CensusFileRefused) -> CommandError:
    lines = "\n".join(f"  {problem}" for problem in error.problems)
    return CommandError(f"file refused, nothing computed:\n{lines}", returncode=2)


class Command(BaseCommand):
    help = "Child protection and looked-after indicators from CIN census / SSDA903 files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        compute = actions.add_parser("indicators", help="print the indicators as CSV")
        compute.add_argument("--cin", type=Path, required=True, help="CIN census XML file")
        compute.add_argument("--ssda903", type=Path, help="folder of SSDA903 CSV files")
        period = compute.add_mutually_exclusive_group(required=True)
        period.add_argument("--year", type=_year, help="year ending 31 March YEAR")
        period.add_argument("--date", type=_day, help="the last day of the 12 months")
        compute.add_argument(
            "--population", type=_positive, help="children aged 0-17 in the area, for rates"
        )
        check = actions.add_parser("validate", help="print the DfE validators' findings as CSV")
        files = check.add_mutually_exclusive_group(required=True)
        files.add_argument("--cin", type=Path, help="CIN census XML file")
        files.add_argument("--ssda903", type=Path, help="folder of SSDA903 CSV files")
        check.add_argument("--year", type=_year, required=True, help="collection year, e.g. 2025")
        check.add_argument("--la-code", help="the LA's code (SSDA903 only; some rules use it)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "indicators":
            self._indicators(options)
        else:
            self._validate(options)

    def _indicators(self, options: dict[str, Any]) -> None:
        tables: dict[str, pa.Table] = {}
        try:
            tables |= cin_xml.parse(_existing(options["cin"]))
            if options["ssda903"]:
                tables |= ssda903_csv.parse(options["ssda903"])
        except CensusFileRefused as error:
            raise _refused(error) from None
        period_end = options["date"] or indicators.year_end(options["year"])
        con = store.attach(tables)
        try:
            results = indicators.compute(
                con,
                period_end=period_end,
                population=options["population"],
                calendar=holidays.calendar(),
            )
        except HolidayDataExhausted as error:
            raise CommandError(str(error), returncode=2) from None
        finally:
            con.close()
        audit.record(
            action="view",
            record_type="performance.census",
            detail="census indicators computed on the command line",
            changes={"cin": True, "ssda903": bool(options["ssda903"])},
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["key", "name", "unit", "numerator", "denominator", "value"])
        for item in results:
            writer.writerow(
                [
                    item.key,
                    item.name,
                    item.unit,
                    item.numerator,
                    "" if item.denominator is None else item.denominator,
                    "" if item.value is None else item.value,
                ]
            )

    def _validate(self, options: dict[str, Any]) -> None:
        try:
            if options["cin"]:
                findings = validators.validate_cin(_existing(options["cin"]), year=options["year"])
            else:
                findings = validators.validate_ssda903(
                    options["ssda903"], year=options["year"], la_code=options["la_code"]
                )
        except CensusFileRefused as error:
            raise _refused(error) from None
        except validators.ValidatorsUnavailable as error:
            raise CommandError(str(error), returncode=3) from None
        audit.record(
            action="view",
            record_type="performance.census",
            detail="census file validated on the command line",
            changes={"source": "cin" if options["cin"] else "ssda903", "findings": len(findings)},
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            ["source", "rule", "kind", "table", "column", "child_id", "row", "value", "message"]
        )
        for f in findings:
            writer.writerow(
                [
                    f.source,
                    f.rule,
                    f.kind,
                    f.table or "",
                    f.column or "",
                    f.child_id or "",
                    "" if f.row is None else f.row,
                    f.value or "",
                    f.message,
                ]
            )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise CommandError(f"--cin: no such file: {path}", returncode=2)
    return path
