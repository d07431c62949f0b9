"""The funding app sits below the plans, projects and operations: no module of it imports
``projects`` or ``operations`` (operations calls funding's reward service, so an import back
would be a cycle; funding reads the assessment it checks by its model label).

Plans and projects call funding's services when they are approved, accepted or reach a stage;
if funding imported them back, the two apps could no longer be read, tested or changed apart.
The vocabularies both need live in the base app (``communities.choices``). Models name the
plans and projects they pay for by label ("projects.GapFillingPlan"), which is no import.
"""

import ast
from pathlib import Path

import pytest

import funding

FUNDING = Path(funding.__file__).parent
FORBIDDEN = ("projects", "operations")


def modules():
    return sorted(path for path in FUNDING.rglob("*.py") if "__pycache__" not in path.parts)


def imported_names(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in the source, relative ones left out (they stay inside
    the package), including imports inside functions."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def imports_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(FUNDING)))
def test_no_funding_module_imports_projects_or_operations(path):
    offending = [
        f"line {line}: {module}"
        for line, module in imported_names(path.read_text(encoding="utf-8"))
        if imports_forbidden(module)
    ]

    assert not offending, f"{path.relative_to(FUNDING)} imports {FORBIDDEN}: {offending}"


def test_the_walk_sees_every_kind_of_import():
    """The checker itself: it finds plain, from- and nested imports, and leaves relative ones."""
    source = (
        "import projects\n"
        "from projects.choices import FutureStage\n"
        "def later():\n"
        "    import projects.models as models\n"
        "from .choices import TrancheState\n"
        "from projectsx import thing\n"
        "from operations.models import OperationsAssessment\n"
    )

    flagged = sorted(line for line, module in imported_names(source) if imports_forbidden(module))

    assert flagged == [1, 2, 4, 7]
    assert len(modules()) > 20  # the whole package is walked, not an empty folder
