"""A crawling process ends without the interpreter's teardown, but after every clean-up that matters."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import atexit, logging, sys
    from harvester.quick_exit import exit_after_cleanup

    folder = sys.argv[1]

    class TornDown:
        def __del__(self, open=open):  # runs only if the interpreter tears its modules down
            with open(folder + "/teardown", "w") as out:
                out.write("torn down")

    kept = TornDown()
    logging.basicConfig(filename=folder + "/log", level=logging.INFO)
    logging.getLogger("x").info("the last log line")
    atexit.register(lambda: open(folder + "/atexit", "w").write("ran"))
    sys.stdout.write("written without a newline")
    exit_after_cleanup(3)
    exit_after_cleanup(int(sys.argv[2]))
    sys.exit(0)
    """
)


def run(tmp_path: Path, code: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(code)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)


def test_the_exit_code_is_the_last_one_given_and_every_atexit_handler_and_flush_happens(tmp_path: Path) -> None:
    done = run(tmp_path, 4)
    assert done.returncode == 4, done.stderr
    assert done.stdout == "written without a newline"
    assert (tmp_path / "atexit").read_text() == "ran"
    assert "the last log line" in (tmp_path / "log").read_text()
    assert not (tmp_path / "teardown").exists()  # the teardown itself was skipped


def test_a_zero_code_is_a_zero_exit(tmp_path: Path) -> None:
    assert run(tmp_path, 0).returncode == 0
