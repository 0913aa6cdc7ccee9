"""`vaultkit.vault.atomic.write_file`: the one atomic writer that new notes and exports use."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vaultkit.vault.atomic import TEMP_SUFFIX, new_file_mode, write_file


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def test_a_new_file_gets_what_the_umask_allows(tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    write_file(target, b"BEGIN:VCALENDAR\r\n")
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == new_file_mode()
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_exclusive_never_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "Ada.md"
    target.write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        write_file(target, b"ours", exclusive=True)
    assert target.read_bytes() == b"theirs"
    assert leftovers(tmp_path) == []


def test_exclusive_without_hard_links_still_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    made = tmp_path / "Charles.md"
    write_file(made, b"new", exclusive=True)
    assert made.read_bytes() == b"new"
    with pytest.raises(FileExistsError):
        write_file(made, b"again", exclusive=True)
    assert made.read_bytes() == b"new"
    assert leftovers(tmp_path) == []
