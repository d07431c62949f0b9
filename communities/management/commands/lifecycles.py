"""``manage.py lifecycles``: write docs/lifecycles.md, every life cycle's steps as the tables in
the apps' ``lifecycles`` modules declare them, for the people who agree the rules to read.

``--check`` writes nothing and fails when the committed reference no longer matches the tables,
so a change of a step (its states, roles, form, service or texts) shows in review as a change of
the reference, and a test keeps the two the same.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from communities.lifecycle import all_lifecycles
from communities.roles import Role

REFERENCE = Path(settings.BASE_DIR) / "docs" / "lifecycles.md"
HEADER = """# Life cycles

Written by `python manage.py lifecycles` from the tables in each app's `lifecycles.py`; do not
edit by hand (a test fails when this file and the tables differ). Each step: the states it starts
from, the state it leads to (— when the service decides or the row stays), who takes it (the
subdistrict scope rule of `communities.access` applies on top), where its button is, the form it
needs, the service it calls, and the texts the user reads. A step with a condition or a
requirement names the function that checks it.
"""


def render() -> str:
    """The reference, in English."""
    with translation.override("en"):
        parts = [HEADER]
        for lifecycle in sorted(all_lifecycles(), key=lambda lc: lc.model_label):
            parts.append(_lifecycle(lifecycle))
        return "\n".join(parts)


def _lifecycle(lifecycle) -> str:
    states = lifecycle.states
    lines = [
        f"## {lifecycle.model_label} ({lifecycle.subject})",
        "",
        "States: " + ", ".join(f"`{value}` {label}" for value, label in states.choices) + ".",
        "",
        "| step | title | from | to | who | where | form | service |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in lifecycle:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{step.name}`" + (" (aside)" if step.aside else ""),
                    str(step.title),
                    ", ".join(f"`{state}`" for state in step.sources),
                    f"`{step.target}`" if step.target else "—",
                    ", ".join(_role(role) for role in step.roles) or "the portal",
                    step.where,
                    f"`{step.form}`" if step.form else "—",
                    f"`{step.service}`",
                ]
            )
            + " |"
        )
    lines.append("")
    for step in lifecycle:
        notes = [f"done: “{step.done}”" if step.done else "", _refusal(step)]
        for kind in ("condition", "requires"):
            check = getattr(step, kind)
            if check is not None:
                notes.append(f"{kind}: `{check.__module__}.{check.__qualname__}`")
        notes = [note for note in notes if note]
        if notes:
            lines.append(f"- `{step.name}`: " + "; ".join(notes))
    lines.append("")
    return "\n".join(lines)


def _role(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _refusal(step) -> str:
    if not step.refusal:
        return ""
    return "refused: “" + str(step.refusal).replace("%(state)s", "<state>") + "”"


class Command(BaseCommand):
    help = "Write docs/lifecycles.md from the life-cycle tables (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        text = render()
        if check:
            if not REFERENCE.exists() or REFERENCE.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{REFERENCE} differs from the life-cycle tables: run manage.py lifecycles"
                )
            return
        REFERENCE.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {REFERENCE}")
