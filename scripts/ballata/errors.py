"""Problems found in sources or outputs; each names the file, the field and the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, said so an editor can fix it."""

    file: str
    """Path relative to the project root."""
    message: str
    """What was expected and what came."""
    field: str | None = None
    """Dotted path of the field, e.g. ``consent.status``."""
    line: int | None = None
    """1-based line in the file, where known."""
    tip: str | None = None
    """How to fix it, in plain words."""
    level: Level = Level.ERROR

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"file": self.file, "field": self.field, "line": self.line,
                                  "message": self.message}
        if self.tip:
            out["tip"] = self.tip
        return out

    def __str__(self) -> str:
        head = f"{self.location()}: "
        if self.field:
            head += f"{self.field}: "
        return head + self.message


@dataclass
class Problems:
    """Collects problems so one run reports every bad file (collect, then fail)."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, file: str, message: str, *, field: str | None = None, line: int | None = None,
              tip: str | None = None) -> None:
        self.add(Problem(file, message, field, line, tip))

    def warning(self, file: str, message: str, *, field: str | None = None,
                line: int | None = None, tip: str | None = None) -> None:
        self.add(Problem(file, message, field, line, tip, Level.WARNING))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    def files_with_errors(self) -> set[str]:
        return {p.file for p in self.errors}


class BallataError(Exception):
    """Raised by the library when work cannot go on; the CLI prints it and exits."""

    def __init__(self, problems: list[Problem], exit_code: int = 1) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.exit_code = exit_code


class UsageError(BallataError):
    """A command was called wrongly (exit code 2)."""

    def __init__(self, message: str, tip: str | None = None) -> None:
        super().__init__([Problem("(command line)", message, tip=tip)], exit_code=2)
