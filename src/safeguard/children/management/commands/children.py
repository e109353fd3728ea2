"""``safeguard children``: the child index from the command line.

Subcommands:

* ``match --roll ROLL.csv --children CHILDREN.csv [--model MODEL.json] [--backend spark]``:
  link a list of children to a school roll without storing anything, with the same model and
  thresholds as live matching; writes CSV ``ref,upn,probability,decision`` to standard
  output, one row per child in input order. A bad file prints every bad row to standard error
  and exits 2 with no output. Without ``--model`` it uses the model live matching uses: the
  version an administrator made active on the "Matching model" page, or the release's default.
  ``--backend spark`` scores the pairs with Splink on Spark in local mode instead of DuckDB
  (ADR 0026): the same decisions, for rolls beyond one machine's memory; it needs pyspark and
  Java 17 or later (``docs/deployment.md``).
* ``model``: prints that same model (thresholds and every m and u probability) as JSON; an
  administrator adjusts a copy and passes it back with ``--model``.
* ``train-model --children CHILDREN.csv [--roll ROLL.csv] --note TEXT [--max-pairs N]``:
  estimates the model in use afresh from the partnership's own records (u by random sampling
  of pairs, m by Splink's expectation maximisation on the incident children against the
  roll) and stores it as a new active version, audited, with what the training changed (shown
  on the "Matching model" page). The roll is every pupil on a roll in the database unless
  ``--roll`` names a file. Slow on a full roll (minutes): run it here or in a background job,
  never from a web page. Prints m and u of every level before and after, and how the training
  children are decided before and after.
* ``import-gias FILE [--la CODE ...]``, ``import-roll FILE``, ``import-ctf FILE [--school URN]``:
  the importers of ``safeguard.children.importers``, all or nothing: exit 0 with a summary, or
  2 with every problem on standard error and nothing written.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from safeguard.children import linkage, training
from safeguard.children.importers.common import ImportRejected, ImportResult
from safeguard.children.importers.ctf import import_ctf
from safeguard.children.importers.gias import import_gias
from safeguard.children.importers.roll import (
    CsvError,
    import_roll,
    prepared_roll_file,
    read_children_file,
    read_roll_file,
)
from safeguard.children.selectors import active_match_model, roll_people
from safeguard.children.services import match_model_train

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Match children to a school roll (match), print the matching model (model), or train "
        "it on incident children and the roll (train-model)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        match = sub.add_parser(
            "match", help="link children to a roll; CSV ref,upn,probability,decision on stdout"
        )
        match.add_argument("--roll", required=True, help="the roll CSV (documented format)")
        match.add_argument(
            "--children", required=True, help="CSV with ref,forename,surname,dob,gender,postcode"
        )
        match.add_argument(
            "--model", help="a model JSON file, as 'safeguard children model' prints"
        )
        match.add_argument(
            "--backend",
            choices=linkage.BACKENDS,
            default=linkage.DUCKDB,
            help="where Splink scores the pairs (default %(default)s; spark needs Java)",
        )
        sub.add_parser("model", help="print the matching model in use as JSON")
        train = sub.add_parser(
            "train-model", help="estimate the model from incident children and the roll"
        )
        train.add_argument(
            "--children", required=True, help="incident children CSV (the children format)"
        )
        train.add_argument("--roll", help="a roll CSV; default: every pupil on a roll here")
        train.add_argument("--note", required=True, help="why the model is being trained")
        train.add_argument(
            "--max-pairs",
            type=float,
            default=training.DEFAULT_MAX_PAIRS,
            help="random pairs for estimating u (default %(default).0f)",
        )
        gias = sub.add_parser("import-gias", help="schools from a GIAS establishments CSV")
        gias.add_argument("file")
        gias.add_argument("--la", action="append", default=[], help="keep only this LA code")
        roll = sub.add_parser("import-roll", help="a school roll in the documented CSV format")
        roll.add_argument("file")
        ctf = sub.add_parser("import-ctf", help="pupils from a DfE Common Transfer File")
        ctf.add_argument("file")
        ctf.add_argument("--school", help="the school's URN, if the file does not say")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"].startswith("import-"):
            sys.exit(self._import(options))
        if options["subcommand"] == "train-model":
            sys.exit(self._train(options))
        if options["subcommand"] == "model":
            self.stdout.write(self._model_in_use().to_json())
            return
        self._match(options["roll"], options["children"], options["model"], options["backend"])

    def _match(
        self,
        roll_path: str,
        children_path: str,
        model_path: str | None,
        backend: str = linkage.DUCKDB,
    ) -> None:
        problems: list[str] = []
        model = linkage.MatchModel.default()
        if not model_path:
            model = self._model_in_use()
        else:
            try:
                model = linkage.MatchModel.from_json(Path(model_path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                problems.append(f"{model_path}: {error}")
        roll: linkage.PreparedRoll | None = None
        children: list[linkage.Person] = []
        try:
            # Read, checked and normalised once per roll file (ADR 0027), then only loaded.
            roll = prepared_roll_file(roll_path)
        except CsvError as error:
            problems.append(str(error))
        try:
            children = read_children_file(children_path)
        except CsvError as error:
            problems.append(str(error))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            sys.exit(BAD_INPUT)
        if backend == linkage.SPARK and not shutil.which("java"):
            self.stderr.write("--backend spark needs Java 17 or later on the PATH (java)")
            sys.exit(BAD_INPUT)
        if backend == linkage.SPARK and importlib.util.find_spec("pyspark") is None:
            self.stderr.write("--backend spark needs pyspark: pip install 'safeguard[spark]'")
            sys.exit(BAD_INPUT)
        matches = linkage.match(children, roll or [], model, backend=backend)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["ref", "upn", "probability", "decision"])
        for found in matches:
            writer.writerow(
                [found.ref, found.upn or "", f"{found.probability:.4f}", found.decision]
            )

    def _train(self, options: dict[str, Any]) -> int:
        try:
            children = read_children_file(options["children"])
            roll = (
                [pupil.person for pupil in read_roll_file(options["roll"])]
                if options["roll"]
                else roll_people()
            )
        except CsvError as error:
            self.stderr.write(str(error))
            return BAD_INPUT
        try:
            version = match_model_train(
                actor=None,
                children=children,
                roll=roll,
                note=options["note"],
                max_pairs=options["max_pairs"],
            )
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    self.stderr.write(problem)
            return BAD_INPUT
        except ValueError as error:
            self.stderr.write(f"The model cannot be trained: {error}")
            return BAD_INPUT
        report = version.training
        self.stdout.write(
            f"Version {version.pk} of the matching model is now in use, trained on "
            f"{report['children']} incident children and a roll of {report['roll']} pupils."
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["comparison", "level", "m_before", "m_after", "u_before", "u_after"])
        for row in report["levels"]:
            writer.writerow(
                [
                    row["comparison"],
                    row["level"],
                    row["m_before"],
                    row["m_after"],
                    row["u_before"],
                    row["u_after"],
                ]
            )
        before, after = report["decisions_before"], report["decisions_after"]
        without = report.get("decisions_after_without_school") or {}
        for decision in linkage.DECISIONS:
            line = f"{decision}: {before.get(decision, 0)} before, {after.get(decision, 0)} after"
            if without:
                line += f" ({without.get(decision, 0)} after without the school recorded)"
            self.stdout.write(line)
        return 0

    def _model_in_use(self) -> linkage.MatchModel:
        """The model live matching uses. A database that cannot be read (not migrated yet, say)
        has no stored model, so none is in use but the default: say so, and carry on."""
        try:
            return active_match_model()
        except DatabaseError as error:
            self.stderr.write(
                f"The stored matching model could not be read ({type(error).__name__}): "
                "using the default model of this release"
            )
            return linkage.MatchModel.default()
        except ValueError as error:
            self.stderr.write(f"The stored matching model is not valid: {error}")
            sys.exit(BAD_INPUT)

    def _import(self, options: dict[str, Any]) -> int:
        """The importers are all or nothing; their exit status is 0, or 2 with every problem."""
        path = options["file"]
        if options["subcommand"] == "import-gias":
            la_codes = options["la"]
            return _run(
                path,
                self.stdout,
                self.stderr,
                lambda data: import_gias(actor=None, data=data, file_name=path, la_codes=la_codes),
            )
        if options["subcommand"] == "import-roll":
            return _run(
                path,
                self.stdout,
                self.stderr,
                lambda data: import_roll(actor=None, data=data, file_name=path),
            )
        school_urn = options["school"]
        return _run(
            path,
            self.stdout,
            self.stderr,
            lambda data: import_ctf(actor=None, data=data, file_name=path, school_urn=school_urn),
        )


class Writer(Protocol):
    """Standard output or error: a file, or a management command's OutputWrapper."""

    def write(self, msg: str, /) -> object: ...


def _run(path: str, stdout: Writer, stderr: Writer, work: Callable[[bytes], ImportResult]) -> int:
    """Read the file, import it: 0 imported, 2 refused (every problem on standard error)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        stderr.write(f"{path}: cannot be read ({error.strerror})\n")
        return BAD_INPUT
    try:
        result = work(data)
    except ImportRejected as rejected:
        stderr.write(f"{rejected}\n")
        return BAD_INPUT
    stdout.write(f"{path}: {result.summary()}\n")
    return 0
