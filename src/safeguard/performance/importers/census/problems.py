"""What a refused file reports: every bad row, each with its file, line, column and reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """``child`` is the LA child id of the record at fault (a CIN census file is often one long
    line, so the line alone does not say where); the LA's own id, shown only to its data team."""

    file: str
    line: int | None
    column: str
    reason: str
    child: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        if self.child:
            where = f"{where}, child {self.child}"
        return f"{where}, {self.column}: {self.reason}"


class CensusFileRefused(Exception):
    """A file that cannot be imported; ``problems`` lists every reason found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"file refused, nothing imported: {shown}{more}")
