"""What is wrong with a content folder or record, as staff and editors read it.

Apart from kiosk.content.format so that the command line can name these errors without
importing the record models (a start of the kiosk never parses content it has loaded)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentProblem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}" if self.record else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else \
            f"{where}: {self.message}"


class ContentError(ValueError):
    """Content that cannot be loaded; `problems` lists each one."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the content:"
        super().__init__("\n".join([head, *("  " + str(p) for p in problems[:50])]))
