"""``manage.py subsidy``: one JSON object on stdout, or one line on stderr and a non-zero exit."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args):
    call_command("subsidy", *args)
    return json.loads(capsys.readouterr().out)


def test_future_band_mode(db, capsys):
    result = run(capsys, "--route", "future", "--investment", "4000000")

    assert result["base"] == "4000000.00"
    assert result["rate"] == "95"
    assert result["subsidy"] == "3800000.00"
    assert result["tranches"] == [
        {"stage": "future_approval", "amount": "1140000.00"},
        {"stage": "future_joint_acceptance", "amount": "1140000.00"},
        {"stage": "future_naming", "amount": "1520000.00"},
    ]
    assert result["explanation"] and result["warnings"] == []


def test_future_marginal_mode_has_null_rate(db, capsys):
    result = run(capsys, "--route", "future", "--investment", "4500000", "--mode", "marginal")

    assert result["rate"] is None
    assert result["subsidy"] == "4250000.00"


def test_new_build_category_gets_nothing(db, capsys):
    result = run(capsys, "--route", "future", "--investment", "4500000", "--category", "new_build")

    assert result["subsidy"] == "0.00" and result["tranches"] == []


def test_gap_with_settled_investment(db, capsys):
    args = [
        "--route",
        "gap",
        "--investment",
        "1260000",
        "--policy-fee",
        "60000",
        "--settled",
        "1200000",
    ]
    result = run(capsys, *args)

    assert result["base"] == "1140000.00"
    assert result["subsidy"] == "570000.00"
    assert result["tranches"] == [{"stage": "gap_after_acceptance", "amount": "570000.00"}]


def test_warnings_above_the_cap(db, capsys):
    result = run(capsys, "--route", "future", "--investment", "9000000")

    assert result["subsidy"] == "6400000.00" and len(result["warnings"]) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--route", "future", "--investment", "0"],
        ["--route", "future", "--investment", "-5"],
        ["--route", "future", "--investment", "lots"],
        ["--route", "gap", "--investment", "100", "--policy-fee", "200"],
        ["--route", "somewhere", "--investment", "100"],
        ["--route", "future", "--investment", "100", "--policy-fee", "10"],
        ["--route", "future", "--investment", "100", "--settled", "90"],
    ],
)
def test_bad_input_exits_non_zero_with_one_line(db, capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("subsidy", *args)

    captured = capsys.readouterr()
    assert exit_info.value.code != 0
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("subsidy: error:")


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    process = subprocess.run(
        [sys.executable, "manage.py", "subsidy", "--route", "gap", "--investment", "x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}", "PATH": "/usr/bin:/bin"},
        check=False,
    )

    assert process.returncode != 0
    assert "Traceback" not in process.stderr
    assert len(process.stderr.strip().splitlines()) == 1
