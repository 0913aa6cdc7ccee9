"""Tab completion through a real bash, with the script `vault --show-completion bash` prints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_note

VAULT = Path(sys.executable).with_name("vault")
pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None, reason="needs bash"
)  # (it is everywhere we run)


@pytest.fixture
def completing(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A vault with an index (made by `vault index`), and the environment to complete in."""
    root = tmp_path / "vault"
    write_note(root, "vaultkit.toml", "")
    write_note(
        root, "People/Ada Lovelace.md", "---\naliases: [Countess]\ntags: [mentor/tech, family]\n---\n# Ada\n"
    )
    write_note(root, "People/Zoë Müller.md", "---\ntags: [friend]\n---\n# Zoë\n")
    write_note(root, "People/Zora Neale.md", "# Zora\n")
    write_note(root, "People/O'Brien.md", "# O'Brien\n")
    env = {
        **os.environ,
        "VAULTKIT_INDEX": str(tmp_path / "index.sqlite"),
        "PATH": f"{VAULT.parent}:{os.environ['PATH']}",
    }
    env.pop("VAULTKIT_VAULT", None)
    subprocess.run([str(VAULT), "index"], cwd=root, env=env, check=True, capture_output=True)
    return root, env


def _complete(completing: tuple[Path, dict[str, str]], line: str) -> list[str]:
    """What bash offers for the last word of `line` (after a space: a new word)."""
    root, env = completing
    script = subprocess.run(
        [str(VAULT), "--show-completion", "bash"], env=env, capture_output=True, text=True, check=True
    ).stdout
    shell = (
        f"{script}\n"
        "complete -p vault >/dev/null || exit 3\n"  # the script registered the function
        f"COMP_LINE={_bash_quote(line)}\n"
        'read -r -a COMP_WORDS <<< "$COMP_LINE"\n'
        '[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")\n'
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        "_vault_completion vault\n"
        'if (( ${#COMPREPLY[@]} )); then printf "%s\\n" "${COMPREPLY[@]}"; fi\n'
    )
    result = subprocess.run(
        ["bash", "-c", shell], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _bash_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def test_names_complete_by_prefix_any_case_any_accents(completing: tuple[Path, dict[str, str]]) -> None:
    assert _complete(completing, "vault show zo") == ["Zoë\\ Müller", "Zora\\ Neale"]
    assert _complete(completing, "vault show ZOE") == ["Zoë\\ Müller"]
    assert _complete(completing, "vault log cou") == ["Countess"]  # aliases too
    assert _complete(completing, "vault show o") == ["O\\'Brien"]
    assert _complete(completing, "vault meet Ada,zor") == ["Ada,Zora\\ Neale"]  # the next of a list
    assert _complete(completing, "vault snooze nobody") == []


def test_names_and_tags_complete_on_the_prospect_commands_and_add(
    completing: tuple[Path, dict[str, str]],
) -> None:
    root, env = completing
    write_note(root, "People/Dorothy Vaughan.md", "---\nstatus: prospect\n---\n# Dorothy\n")
    subprocess.run([str(VAULT), "index"], cwd=root, env=env, check=True, capture_output=True)
    assert _complete(completing, "vault ask D") == ["Dorothy\\ Vaughan"]
    assert _complete(completing, "vault met do") == ["Dorothy\\ Vaughan"]
    assert _complete(completing, "vault want Grace --via ad") == ["Ada\\ Lovelace"]
    assert _complete(completing, "vault want Grace --tag fr") == ["friend"]
    assert _complete(completing, "vault add Grace --introduced-by zor") == ["Zora\\ Neale"]


def test_a_completed_name_is_one_word_in_bash(completing: tuple[Path, dict[str, str]]) -> None:
    (completed,) = _complete(completing, "vault show zoë")
    root, env = completing
    # The command line as it stands after the tab press, run as bash runs it.
    result = subprocess.run(
        ["bash", "-c", f"vault show {completed} --json"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Zoë Müller"


def test_tags_templates_and_formats_complete(completing: tuple[Path, dict[str, str]]) -> None:
    assert _complete(completing, "vault due --tag m") == ["mentor/tech"]
    assert _complete(completing, "vault list --tag ") == ["family", "friend", "mentor/tech"]
    assert _complete(completing, "vault templates copy m") == ["meeting"]
    assert _complete(completing, "vault export ") == ["ics", "vcard", "csv", "json"]
    assert _complete(completing, "vault import v") == ["vcard"]
    assert "snooze" in _complete(completing, "vault sn")


def test_completion_reads_the_index_without_syncing_it(completing: tuple[Path, dict[str, str]]) -> None:
    root, _ = completing
    write_note(root, "People/Zola Budd.md", "# Zola\n")  # not indexed yet
    assert _complete(completing, "vault show zol") == []
    root, env = completing
    subprocess.run([str(VAULT), "index"], cwd=root, env=env, check=True, capture_output=True)
    assert _complete(completing, "vault show zol") == ["Zola\\ Budd"]


def test_show_completion_for_each_shell() -> None:
    for shell, marker in (
        ("bash", "complete -o default -F _vault_completion vault"),
        ("zsh", "#compdef vault"),
        ("fish", "complete --command vault"),
    ):
        result = subprocess.run([str(VAULT), "--show-completion", shell], capture_output=True, text=True)
        assert result.returncode == 0 and marker in result.stdout, shell
    # No shell named: the one it runs in.
    detected = subprocess.run(["bash", "-c", f"'{VAULT}' --show-completion"], capture_output=True, text=True)
    assert detected.returncode == 0 and "complete -o default -F _vault_completion vault" in detected.stdout
    unknown = subprocess.run([str(VAULT), "--show-completion", "tcsh"], capture_output=True, text=True)
    assert unknown.returncode == 1 and "tcsh" in unknown.stderr


def test_install_completion_writes_the_shells_startup_file(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(VAULT), "--install-completion", "bash"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "bash completion installed in" in result.stdout
    assert "vault" in (tmp_path / ".bashrc").read_text(encoding="utf-8")
