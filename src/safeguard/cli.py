"""The ``safeguard`` command: every operation of the service is one of its subcommands.

It is Django's management command runner under another name, with a help page that lists the
project's own commands first. ``safeguard django --help`` lists Django's as well.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

STALE = (
    "Safeguard's locked dependencies changed after this environment was installed"
    " (requirements.lock is newer than {marker}): run `make install` first."
)


def stale_environment(lock: Path, marker: Path) -> str:
    """Why the environment cannot run this checkout, or "".

    After a pull that adds a dependency, the old virtualenv fails deep inside Django with a
    ModuleNotFoundError; saying "run make install" at once is kinder. Only a checkout with both
    files is judged (an installed wheel has neither).
    """
    if lock.exists() and marker.exists() and lock.stat().st_mtime > marker.stat().st_mtime:
        return STALE.format(marker=marker)
    return ""


def _project_commands() -> list[tuple[str, str]]:
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    found = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("safeguard") or name in {"migrate", "check", "createsuperuser"}:
            try:
                help_text = load_command_class(app, name).help or ""
            except Exception:  # a broken command must not hide the others
                help_text = "(this command could not be loaded)"
            found.append((name, help_text.strip().splitlines()[0] if help_text.strip() else ""))
    return found


def _print_help() -> None:
    print("usage: safeguard COMMAND [options]\n")
    print("Commands (each honours DATABASE_URL; 'safeguard COMMAND --help' for its options):")
    for name, summary in _project_commands():
        print(f"  {name:<16} {summary}")
    print("\n'safeguard django --help' lists Django's own commands too.")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    problem = stale_environment(
        Path(__file__).resolve().parents[2] / "requirements.lock",
        Path(sys.prefix) / "bin" / ".installed",
    )
    if problem:
        print(problem, file=sys.stderr)
        return 2
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args in (["-h"], ["--help"], ["help"]):
        _print_help()
        return 0
    if args[0] == "django":
        args = args[1:] or ["help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguard", *args])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
