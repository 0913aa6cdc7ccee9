"""`vault export ics --vdir` and `[views] vdir`: a folder of events kept in step, synced by the real vdirsyncer."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from icalendar import Calendar

from vaultkit.contacts.ics import VDIR_FILE_RE

VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"


@pytest.fixture
def people(vault_dir: Path, make_person) -> Path:
    make_person("Ada Lovelace", cadence="1m", last_contact="2026-10-02", birthday="1815-12-10")
    make_person("Tom Whitfield", cadence="2w", last_contact="2026-11-15")
    make_person("Never Met", cadence="1m")
    make_person("Zoë Müller", birthday='"--12-05"')
    return vault_dir


def folder_events(folder: Path, pattern: str = "*@vaultkit.ics") -> dict[str, tuple[str, str, str]]:
    """{file name: (UID, SUMMARY, DTSTART)} of the folder's (vaultkit's) .ics files, read with icalendar."""
    found = {}
    for path in sorted(folder.glob(pattern)):
        feed = Calendar.from_ical(path.read_bytes())
        assert "METHOD" not in feed  # CalDAV refuses a stored object with METHOD
        (event,) = feed.walk("VEVENT")
        found[path.name] = (str(event["UID"]), str(event["SUMMARY"]), event.decoded("DTSTART").isoformat())
    return found


def test_the_vault_id_is_made_once_at_the_top_of_vaultkit_toml(cli, people: Path) -> None:
    config = people / "vaultkit.toml"
    config.write_text('# my settings\n[cadence_by_tag]\nfamily = "2w"\n', encoding="utf-8")
    first = cli("export", "ics").stdout
    text = config.read_text(encoding="utf-8")
    added, rest = text.split("\n", 1)
    assert rest == '# my settings\n[cadence_by_tag]\nfamily = "2w"\n'  # the user's bytes, untouched
    vault_id = tomllib.loads(text)["vault_id"]
    assert added.startswith(f'vault_id = "{vault_id}"')
    assert tomllib.loads(text)["cadence_by_tag"] == {"family": "2w"}
    assert cli("export", "ics").stdout == first
    assert config.read_text(encoding="utf-8") == text  # made once


def test_uids_are_the_same_on_every_device_and_differ_between_vaults(
    cli, people: Path, tmp_path: Path
) -> None:
    def uids(vault: Path) -> dict[str, str]:
        feed = Calendar.from_ical(cli("export", "ics", vault=vault).stdout)
        return {str(e["SUMMARY"]): str(e["UID"]) for e in feed.walk("VEVENT")}

    mine = uids(people)
    assert len(set(mine.values())) == len(mine) == 5
    laptop = tmp_path / "laptop"
    shutil.copytree(people, laptop)  # the vault as another device has it after syncing
    assert uids(laptop) == mine
    other = tmp_path / "other"
    shutil.copytree(people, other)
    (other / "vaultkit.toml").write_text("", encoding="utf-8")  # another vault: same notes, its own id
    theirs = uids(other)
    assert theirs.keys() == mine.keys()
    assert not set(theirs.values()) & set(mine.values())


def test_a_bad_vault_id_is_a_config_error(cli, people: Path) -> None:
    (people / "vaultkit.toml").write_text('vault_id = "../x"\n', encoding="utf-8")
    result = cli("export", "ics")
    assert result.exit_code == 1
    assert result.stderr == (
        "vault: vaultkit.toml: vault_id must be 8 to 64 letters, digits or dashes, not '../x'\n"
    )


def test_vdir_keeps_one_file_per_event_in_step(cli, people: Path, tmp_path: Path) -> None:
    vdir = tmp_path / "calendar"
    result = cli("export", "ics", "--vdir", str(vdir))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{vdir}: 5 events: 5 written, 0 removed, 0 unchanged\n"
    events = folder_events(vdir)
    assert all(VDIR_FILE_RE.fullmatch(name) and name == f"{uid}.ics" for name, (uid, _, _) in events.items())
    assert sorted(summary for _, summary, _ in events.values()) == [
        "Ada Lovelace's birthday",
        "Reach out to Ada Lovelace",
        "Reach out to Never Met",
        "Reach out to Tom Whitfield",
        "Zoë Müller's birthday",
    ]
    (vdir / "phone-made.ics").write_bytes(b"not ours")  # a file vaultkit did not name stays
    times = {p.name: p.stat().st_mtime_ns for p in vdir.iterdir()}
    os.utime(vdir / next(iter(events)), ns=(1, 1))  # an old mtime shows whether a file is rewritten
    times[next(iter(events))] = 1

    # The next day nothing moves but the overdue reach-outs, which ring on the new today.
    again = cli("export", "ics", "--vdir", str(vdir), "--json", today="2026-11-23")
    report = json.loads(again.stdout)
    assert report["removed"] == [] and report["events"] == 5
    moved = {events[name][1] for name in report["written"]}
    assert moved == {"Reach out to Ada Lovelace", "Reach out to Never Met"}
    for name, mtime in times.items():
        if name not in report["written"]:
            assert (vdir / name).stat().st_mtime_ns == mtime, name  # untouched
    assert (vdir / "phone-made.ics").read_bytes() == b"not ours"

    # A coffee moves Ada's reach-out; archiving Tom removes his.
    assert cli("log", "Ada", "coffee", today="2026-11-23").exit_code == 0
    tom = people / "People" / "Tom Whitfield.md"
    tom.write_text(
        tom.read_text(encoding="utf-8").replace("---\n#", "archived: true\n---\n#"), encoding="utf-8"
    )
    third = json.loads(cli("export", "ics", "--vdir", str(vdir), "--json", today="2026-11-23").stdout)
    now = folder_events(vdir)
    assert [events[name][1] for name in third["written"]] == ["Reach out to Ada Lovelace"]
    assert [events[name][1] for name in third["removed"]] == ["Reach out to Tom Whitfield"]
    ada = next(v for v in now.values() if v[1] == "Reach out to Ada Lovelace")
    assert ada[2] == "2026-12-23"
    assert sorted(p.name for p in vdir.iterdir() if not p.name.endswith("@vaultkit.ics")) == [
        "phone-made.ics"
    ]


def test_vdir_writes_again_a_file_changed_elsewhere(cli, people: Path, tmp_path: Path) -> None:
    vdir = tmp_path / "calendar"
    assert cli("export", "ics", "--vdir", str(vdir)).exit_code == 0
    longer, shorter, stamped, *_ = sorted(vdir.iterdir())
    ours = {path: path.read_bytes() for path in (longer, shorter, stamped)}
    longer.write_bytes(ours[longer] + b"X" * 200_000)  # (longer than one read of its size)
    shorter.write_bytes(ours[shorter][:-10])
    assert re.search(rb"\r\nDTSTAMP:[0-9TZ]+\r\n", ours[stamped])
    stamped.write_bytes(re.sub(rb"DTSTAMP:[0-9TZ]+", b"DTSTAMP:20000101T000000Z", ours[stamped]))
    os.utime(stamped, ns=(1, 1))

    report = json.loads(cli("export", "ics", "--vdir", str(vdir), "--json").stdout)
    assert sorted(report["written"]) == sorted([longer.name, shorter.name])
    assert longer.read_bytes() == ours[longer] and shorter.read_bytes() == ours[shorter]
    assert stamped.stat().st_mtime_ns == 1  # the same event but for its stamp: left alone


def test_vdir_refuses_a_file_and_output_together(cli, people: Path, tmp_path: Path) -> None:
    target = tmp_path / "feed.ics"
    both = cli("export", "ics", "--vdir", str(tmp_path / "cal"), "-o", str(target))
    assert both.exit_code == 2
    assert "give -o FILE or --vdir DIR, not both" in both.stderr
    target.write_text("x", encoding="utf-8")
    result = cli("export", "ics", "--vdir", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"vault: --vdir {target} is a file; give a folder\n"
    assert target.read_text(encoding="utf-8") == "x"


def test_render_keeps_the_views_vdir_current(cli, people: Path, tmp_path: Path) -> None:
    (people / "vaultkit.toml").write_text('[views]\nvdir = "Calendar"\n', encoding="utf-8")
    result = cli("render")
    assert result.exit_code == 0, result.output
    vdir = (people / "Calendar").resolve()
    assert result.stdout.splitlines()[-1] == f"{vdir}: 5 events: 5 written, 0 removed, 0 unchanged"
    assert cli("render").stdout.splitlines()[-1] == f"{vdir}: 5 events: 0 written, 0 removed, 5 unchanged"
    rendered = json.loads(cli("render", "--json").stdout)["views"]
    assert {"name": "vdir", "path": str(vdir), "written": False} in rendered


def _vdirsyncer(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VDIRSYNCER), "-c", str(config), *args],
        capture_output=True,
        text=True,
        check=False,
        input="y\n",
        env={**os.environ, "HOME": str(config.parent)},
    )


def test_the_real_vdirsyncer_carries_creations_updates_and_deletions(
    cli, people: Path, tmp_path: Path
) -> None:
    vdir, phone = tmp_path / "vdir", tmp_path / "phone"
    phone.mkdir()
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{tmp_path / "status"}/"\n\n'
        '[pair vaultkit]\na = "vaultkit_local"\nb = "phone"\ncollections = null\n'
        'conflict_resolution = "a wins"\n\n'
        f'[storage vaultkit_local]\ntype = "filesystem"\npath = "{vdir}"\nfileext = ".ics"\n\n'
        f'[storage phone]\ntype = "filesystem"\npath = "{phone}"\nfileext = ".ics"\n',
        encoding="utf-8",
    )

    def summaries(folder: Path) -> dict[str, tuple[str, str]]:
        return {uid: (summary, start) for uid, summary, start in folder_events(folder, "*.ics").values()}

    assert cli("export", "ics", "--vdir", str(vdir)).exit_code == 0
    discovered = _vdirsyncer(config, "discover")
    assert discovered.returncode == 0, discovered.stderr
    synced = _vdirsyncer(config, "sync")
    assert synced.returncode == 0, synced.stderr
    assert summaries(phone) == summaries(vdir)
    assert len(summaries(phone)) == 5

    # Second round: an update (a coffee moves Ada's reach-out), a deletion (Tom archived)
    # and a creation (a new person with a birthday).
    assert cli("log", "Ada", "coffee").exit_code == 0
    tom = people / "People" / "Tom Whitfield.md"
    tom.write_text(
        tom.read_text(encoding="utf-8").replace("---\n#", "archived: true\n---\n#"), encoding="utf-8"
    )
    assert cli("add", "Grace Hopper", "--set", "birthday=1906-12-09").exit_code == 0
    assert cli("export", "ics", "--vdir", str(vdir)).exit_code == 0
    synced = _vdirsyncer(config, "sync")
    assert synced.returncode == 0, synced.stderr
    on_phone = summaries(phone)
    assert on_phone == summaries(vdir)
    assert sorted(summary for summary, _ in on_phone.values()) == [
        "Ada Lovelace's birthday",
        "Grace Hopper's birthday",
        "Reach out to Ada Lovelace",
        "Reach out to Never Met",
        "Zoë Müller's birthday",
    ]
    assert ("Reach out to Ada Lovelace", "2026-12-22") in on_phone.values()
