"""A real CUPS for the printing tests: cupsd started if it is down, and cups-pdf
printers with names unique to this test run (removed at the end), so several people
running the tests on one machine never touch each other's printers.

As root without systemd (a CI container, this machine): ``cupsd`` daemonises by
itself. A printed job lands as a PDF in cups-pdf's ``Out`` folder
(/etc/cups/cups-pdf.conf, ``${HOME}/PDF`` of the submitting user by default), named
after the job title.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

C_LOCALE = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
MODEL = "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd"
PPD_FILE = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, env=C_LOCALE, check=check, timeout=30
    )


def scheduler_running() -> bool:
    return "scheduler is running" in run("lpstat", "-r", check=False).stdout


def ensure_cupsd() -> None:
    for tool in ("cupsd", "lpadmin", "lp", "lpstat", "cupsdisable"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} is missing: run `make test` (it installs cups, cups-bsd)")
    if not PPD_FILE.exists():
        pytest.fail("cups-pdf is missing: run `make test` (it installs printer-driver-cups-pdf)")
    if scheduler_running():
        return
    if os.geteuid() != 0:
        pytest.fail("CUPS is not running and only root can start it here: start cupsd")
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    subprocess.run([cupsd], check=False, timeout=30)  # daemonises; a second start is harmless
    for _ in range(100):
        if scheduler_running():
            return
        time.sleep(0.1)
    pytest.fail("cupsd did not start")


def output_dir() -> Path:
    """Where cups-pdf puts the PDFs of jobs this user submits."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            match = re.match(r"^\s*Out\s+(\S+)", line)
            if match:
                out = match.group(1)
    home = pwd.getpwuid(os.getuid()).pw_dir
    return Path(out.replace("${HOME}", home).replace("${USER}", pwd.getpwuid(os.getuid()).pw_name))


@dataclass
class CupsPdfPrinter:
    name: str
    out: Path

    def add(self) -> None:
        added = run("lpadmin", "-p", self.name, "-E", "-v", "cups-pdf:/", "-m", MODEL, check=False)
        if added.returncode != 0:  # an older CUPS without the model list
            run("lpadmin", "-p", self.name, "-E", "-v", "cups-pdf:/", "-P", str(PPD_FILE))
        self.resume()

    def remove(self) -> None:
        run("cancel", "-a", self.name, check=False)
        run("lpadmin", "-x", self.name, check=False)

    def stop(self) -> None:
        run("cupsdisable", self.name)

    def reject(self) -> None:
        run("cupsreject", self.name)

    def resume(self) -> None:
        run("cupsenable", self.name)
        run("cupsaccept", self.name)

    def pending(self) -> list[str]:
        out = run("lpstat", "-W", "not-completed", "-o", self.name, check=False).stdout
        return [line.split()[0] for line in out.splitlines() if line.strip()]

    def printed(self, title: str, timeout: float = 30.0) -> Path:
        """Wait for the PDF of the job titled ``title`` and return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sorted(self.out.glob(f"{title}*.pdf")) if self.out.is_dir() else []
            if found and found[0].stat().st_size > 0:
                time.sleep(0.2)  # cups-pdf writes, then sets permissions
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no PDF titled {title} in {self.out} after {timeout} s")


@pytest.fixture(scope="session")
def cups_printers() -> Iterator[tuple[CupsPdfPrinter, CupsPdfPrinter]]:
    """Two cups-pdf printers of this test run: a main one and one to reroute to."""
    ensure_cupsd()
    out = output_dir()
    # Unique to this run and to this fixture (each test folder's conftest has its own).
    tag = f"{os.getpid()}x{secrets.token_hex(2)}"
    printers = (CupsPdfPrinter(f"SihaoTestA{tag}", out), CupsPdfPrinter(f"SihaoTestB{tag}", out))
    for printer in printers:
        printer.add()
    yield printers
    for printer in printers:
        printer.remove()
    for leftover in out.glob(f"sihao-test-{os.getpid()}-*.pdf") if out.is_dir() else []:
        leftover.unlink(missing_ok=True)


@pytest.fixture
def cups_printer(cups_printers: tuple[CupsPdfPrinter, CupsPdfPrinter]) -> Iterator[CupsPdfPrinter]:
    printer = cups_printers[0]
    printer.resume()
    yield printer
    printer.resume()
    run("cancel", "-a", printer.name, check=False)


def job_title(label: str) -> str:
    """A job title unique to this run (cups-pdf names the output file after it)."""
    return f"sihao-test-{os.getpid()}-{label}"
