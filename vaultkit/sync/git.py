"""A vault kept in git: `git-setup` (installing the merge driver) and `vault sync`, with the
commit messages it writes.

The merge driver git calls is `vaultkit.sync.driver`; running git is `vaultkit.sync.repo`;
the file names that syncing leaves behind are a rule of `vault check` (`vaultkit.checks`).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vaultkit.config import Config
from vaultkit.errors import GitError
from vaultkit.notes.grammar import LOG_ENTRY_RE
from vaultkit.notes.parse import conflict_marker_line
from vaultkit.sync.driver import CONFLICT_IN, DRIVER_PREFIX, LABELS_ENV
from vaultkit.sync.repo import Repo, git_reason
from vaultkit.vault.atomic import TEMP_SUFFIX, held_or_busy
from vaultkit.vault.files import Vault

DRIVER = "vaultkit"
ATTRIBUTES_FILE = ".gitattributes"
ATTRIBUTES_LINE = f"*.md merge={DRIVER}"

NETWORK_TIMEOUT = 120
SYNC_LOCK = "vaultkit-sync.lock"
"""In the git dir: held by the `vault sync` that is running."""
_MAX_LOG_CHECKS = 8


# -- git-setup ----------------------------------------------------------------------------------------
def driver_command() -> str:
    """The command git runs for a merge: this Python and this vaultkit, found without PATH."""
    return f"{shlex.quote(sys.executable)} -m vaultkit merge-driver -- %O %A %B %P"


def git_setup(vault: Vault, uninstall: bool = False, command: str | None = None) -> list[str]:
    """Install (or remove) the merge driver for the vault's repository; returns what changed.

    `.gitattributes` (in the vault, committed, so every device merges notes the same way)
    gets `*.md merge=vaultkit`; the repository's own config (per device) gets the driver.
    Running it twice changes nothing.
    """
    repo = Repo(vault.root)
    changes: list[str] = []
    snapshot = vault.read(ATTRIBUTES_FILE) if vault.exists(ATTRIBUTES_FILE) else None
    text = snapshot.data.decode("utf-8", "surrogateescape") if snapshot else ""
    lines = text.splitlines(keepends=True)
    ours = [line for line in lines if line.strip() == ATTRIBUTES_LINE]
    if uninstall:
        if ours:
            kept = "".join(line for line in lines if line.strip() != ATTRIBUTES_LINE)
            if kept.strip():
                vault.write(ATTRIBUTES_FILE, kept.encode("utf-8", "surrogateescape"), snapshot)
            else:
                vault.path(ATTRIBUTES_FILE).unlink()
            changes.append(f"removed `{ATTRIBUTES_LINE}` from {ATTRIBUTES_FILE}")
        if repo.value("config", "--local", "--get-regexp", rf"^merge\.{DRIVER}\.") is not None:
            repo.run("config", "--local", "--remove-section", f"merge.{DRIVER}")
            changes.append(f"removed merge.{DRIVER} from the git config of {repo.top}")
        return changes
    if not ours:
        newline = "\r\n" if "\r\n" in text else "\n"
        separator = newline if text and not text.endswith("\n") else ""
        new_text = f"{text}{separator}{ATTRIBUTES_LINE}{newline}"
        vault.write(ATTRIBUTES_FILE, new_text.encode("utf-8", "surrogateescape"), snapshot)
        changes.append(f"added `{ATTRIBUTES_LINE}` to {ATTRIBUTES_FILE}")
    wanted = {
        f"merge.{DRIVER}.name": "vaultkit: merge notes (front matter, Log, body)",
        f"merge.{DRIVER}.driver": command or driver_command(),
    }
    if any(repo.value("config", "--local", "--get", key) != value for key, value in wanted.items()):
        for key, value in wanted.items():
            repo.run("config", "--local", key, value)
        changes.append(f"set the merge.{DRIVER} driver in the git config of {repo.top}")
    return changes


# -- sync ------------------------------------------------------------------------------------------------
@dataclass
class Change:
    """A file in a commit: git's status letter (A, M, D, R), its vault path, and the old path of a rename."""

    status: str
    path: str
    old_path: str | None = None


@dataclass
class SyncReport:
    """What `sync` did. `error` is a failure after the local commit (exit 1); `advice` says
    how to resolve the `conflicts`."""

    committed: str | None = None
    finished: str | None = None
    remote: str | None = None
    incoming: list[Change] = field(default_factory=list)
    pushed: bool = False
    up_to_date: bool = False
    offline: str | None = None
    conflicts: list[str] = field(default_factory=list)
    conflicted_parts: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    hints: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


_AUTH_SIGNS = (
    "authentication failed", "permission denied", "could not read username", "could not read password",
    "terminal prompts disabled", "invalid username or password", "invalid credentials",
    "host key verification failed", "returned error: 401", "returned error: 403",
)  # fmt: skip
_OFFLINE_SIGNS = (
    "could not resolve host", "temporary failure in name resolution", "unable to access",
    "connection refused", "timed out", "network is unreachable", "no route to host", "failed to connect",
    "unable to connect", "does not appear to be a git repository", "could not read from remote repository",
    "connection reset", "connection closed",
)  # fmt: skip


_REFUSED_RE = re.compile(r"\[remote rejected\] \S+ -> \S+ \((?P<reason>[^)]*)\)")
"""git's line for a push the remote refused, e.g. `! [remote rejected] main -> main (pre-receive hook declined)`."""


def _failure_kind(output: str) -> str:
    """`auth`, `offline` or `other`, from what git printed."""
    text = output.casefold()
    if any(sign in text for sign in _AUTH_SIGNS):
        return "auth"
    if any(sign in text for sign in _OFFLINE_SIGNS):
        return "offline"
    return "other"


def _z_changes(repo: Repo, output: str) -> list[Change]:
    """Parse `git diff --name-status -z` output into changes with vault paths."""
    parts = output.split("\0")
    changes: list[Change] = []
    index = 0
    while index < len(parts) and parts[index]:
        status = parts[index][0]
        if status in "RC":
            old, new = parts[index + 1], parts[index + 2]
            changes.append(Change(status, repo.shown(new), repo.shown(old)))
            index += 3
        else:
            changes.append(Change(status, repo.shown(parts[index + 1])))
            index += 2
    return changes


def _changed_notes(repo: Repo) -> list[str]:
    """Repository paths of the vault's notes that differ from the last commit or are new."""
    out = repo.run("status", "--porcelain", "-z", "--untracked-files=all", "--", ".").stdout
    parts = out.split("\0")
    paths: list[str] = []
    index = 0
    while index < len(parts) and parts[index]:
        entry = parts[index]
        if entry[1] != "D" and entry[0] != "D" and entry[3:].lower().endswith(".md"):
            paths.append(entry[3:])
        index += 2 if entry[0] in "RC" else 1
    return paths


def sync(vault: Vault, message: str | None = None, merge: bool = False) -> SyncReport:
    """Commit the vault's changes, pull (rebase, or merge), push; see SyncReport for the outcome.

    Refuses to start while conflicts are unresolved, never force-pushes, and treats an
    unreachable remote as "the push waits" rather than as an error.
    """
    repo = Repo(vault.root)
    with held_or_busy(repo.git_dir / SYNC_LOCK) as held:
        if not held:
            # Two syncs would each continue the other's rebase: a detached HEAD, a lost commit.
            raise GitError(
                f"another `vault sync` is running in this vault (it holds {repo.git_dir / SYNC_LOCK}): "
                "wait for it to finish, then run `vault sync` again if you need to"
            )
        return _sync(repo, vault, message, merge)


def _sync(repo: Repo, vault: Vault, message: str | None, merge: bool) -> SyncReport:
    report = SyncReport()
    driver_problem = _driver_problem(repo)
    if driver_problem:
        report.hints.append(driver_problem)
    if repo.unresolved():  # (a `git status` of 100,000 notes costs 0.2 s: only when there are conflicts)
        conflicts = _add_resolved(repo, _conflicts(repo))
        if conflicts:
            raise GitError(
                f"unresolved conflicts in {', '.join(c.shown for c in conflicts)}: "
                + "; ".join(_advice(conflicts, _sides(repo)))
            )
    for path in _changed_notes(repo):
        full = repo.top / path
        try:
            line = conflict_marker_line(full.read_bytes().decode("utf-8", "replace"))
        except OSError:
            continue
        if line is not None:
            raise GitError(
                f"{repo.shown(path)}:{line} still has a git conflict marker: keep the text you want and "
                "delete the <<<<<<< ======= >>>>>>> lines, then run `vault sync` again"
            )
    interrupted = repo.in_progress()
    branch = repo.value("symbolic-ref", "--quiet", "--short", "HEAD")
    if branch is None and interrupted != "rebase":
        raise GitError(
            "the vault's repository is not on a branch (detached HEAD): `git switch` to your branch first"
        )
    # Never a temp file of a write in progress, or one a crash left (vaultkit's own writes,
    # here or by the watcher), even where the .gitignore does not name them.
    repo.run("add", "-A", "--", ".", f":(exclude,glob)**/.*{TEMP_SUFFIX}")
    if interrupted == "rebase":
        proc = repo.run("rebase", "--continue", check=False, env={"GIT_EDITOR": "true"})
        report.finished = "rebase"
        if proc.returncode != 0:
            _read_conflicts(repo, proc, report, None)
            if not report.conflicts:
                raise GitError(f"git rebase --continue failed: {git_reason(proc.stderr or proc.stdout)}")
            return report
        branch = repo.value("symbolic-ref", "--quiet", "--short", "HEAD")
        if branch is None:
            raise GitError(
                "the vault's repository is not on a branch after the rebase: `git status` says why"
            )
    elif interrupted == "merge":
        _commit(repo, ["commit", "--no-edit", "--quiet"])
        report.finished = "merge"
    else:
        staged = _z_changes(repo, repo.run("diff", "--cached", "--name-status", "-z", "-M", "--", ".").stdout)
        if staged:
            report.committed = message or commit_message(
                staged, vault.config, lambda path: _adds_log_entry(repo, path)
            )
            _commit(repo, ["commit", "--quiet", "-m", report.committed, "--", "."])
    assert branch is not None
    try:
        _exchange(repo, branch, merge, report)
    except GitError as err:  # after the commit: the report must still say it was made
        report.error = str(err) + ("; your changes are committed here" if report.committed else "")
    return report


def _driver_problem(repo: Repo) -> str | None:
    """Why notes would not merge with vaultkit's driver on this device, or None when it can run."""
    command = repo.value("config", "--get", f"merge.{DRIVER}.driver")
    if command is None:
        return (
            "the vaultkit merge driver is not set up on this device: run `vault git-setup` once, "
            "so that notes edited on two devices merge without conflicts"
        )
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        program = command
    if shutil.which(program) is None:
        # A moved or deleted virtualenv: git would leave every note both devices changed unmerged.
        return (
            f"the vaultkit merge driver cannot run on this device ({program} is missing): "
            "run `vault git-setup` again"
        )
    return None


# -- conflicts ----------------------------------------------------------------------------------------
CONFLICTS_RECORD = "vaultkit-conflicts.json"
"""In the git dir: the conflicts sync saw with markers, so that those count as resolved later."""
MARKERS = "<<<<<<< ======= >>>>>>>"
STASH = "the stash"


@dataclass
class _Conflict:
    """A file git holds in conflict, and what is in the way.

    `kind` is `marked` (conflict markers to edit away), `resolved` (git left markers there,
    as sync or AUTO_MERGE saw, and they are gone), `unmerged` (both sides changed it and git wrote no markers: binary,
    or the merge driver failed; the file holds one side) or `deleted` (one side has no file).
    `stages` names the versions git holds, which tells one conflict from a later one.
    """

    path: str
    shown: str
    stages: str
    kind: str
    why: str = ""


def _recorded(repo: Repo) -> dict[str, Any]:
    try:
        record = json.loads((repo.git_dir / CONFLICTS_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _conflicts(repo: Repo, upstream: str | None = None) -> list[_Conflict]:
    """Every file git holds in conflict; remembers the ones with markers (and `upstream`)."""
    out = repo.run("ls-files", "-u", "-z", "--full-name", "--", ":/").stdout
    stages: dict[str, list[str]] = {}
    for entry in filter(None, out.split("\0")):
        info, _, path = entry.partition("\t")
        _, blob, stage = info.split()
        stages.setdefault(path, []).append(f"{stage}:{blob}")
    record = _recorded(repo)
    seen = record.get("marked")
    seen = seen if isinstance(seen, dict) else {}
    driver_runs = _driver_problem(repo) is None
    conflicts = [
        _conflict(repo, path, " ".join(versions), seen.get(path), driver_runs)
        for path, versions in sorted(stages.items())
    ]
    record["marked"] = {c.path: c.stages for c in conflicts if c.kind in ("marked", "resolved")}
    if upstream:
        record["upstream"] = upstream
    (repo.git_dir / CONFLICTS_RECORD).write_text(json.dumps(record), encoding="utf-8")
    return conflicts


def _conflict(repo: Repo, path: str, stages: str, seen: str | None, driver_runs: bool) -> _Conflict:
    """What kind of conflict `path` is in (see _Conflict)."""
    shown = repo.shown(path)
    held = {version[0] for version in stages.split()}
    if not {"2", "3"} <= held:
        return _Conflict(path, shown, stages, "deleted")
    try:
        data = (repo.top / path).read_bytes()
    except OSError:
        data = b""
    if b"\0" in data:
        return _Conflict(path, shown, stages, "unmerged", "binary")
    if conflict_marker_line(data.decode("utf-8", "replace")) is not None:
        return _Conflict(path, shown, stages, "marked")
    # A file with no markers is resolved only if it had markers in this very conflict: a
    # failed merge driver leaves one side's text, and adding that would drop the other side.
    if seen == stages or _markers_edited_away(repo, path, stages):
        return _Conflict(path, shown, stages, "resolved")
    why = (
        "the merge driver could not run"
        if not driver_runs and path.endswith(".md")
        else "no conflict markers"
    )
    return _Conflict(path, shown, stages, "unmerged", why)


def _markers_edited_away(repo: Repo, path: str, stages: str) -> bool:
    """Whether git left markers in `path` (now without them), in a conflict of a pull run by hand.

    git (2.32 and later) keeps the files as its merge left them in the tree AUTO_MERGE; an
    older git does not, and then a file that matches neither side was edited by the user.
    """
    left = repo.run("cat-file", "blob", f"AUTO_MERGE:{path}", check=False)
    if left.returncode == 0:
        return conflict_marker_line(left.stdout) is not None
    if repo.ok("rev-parse", "--verify", "--quiet", "AUTO_MERGE"):
        return False
    sides = [version[2:] for version in stages.split() if version[0] in "23"]
    return repo.value("hash-object", "--", str(repo.top / path)) not in sides


def _add_resolved(repo: Repo, conflicts: list[_Conflict]) -> list[_Conflict]:
    """`git add` the files whose markers the user edited away; returns the conflicts left.

    Editing the markers away is how a person resolves a conflict; asking them to also
    `git add` the file is git ceremony.
    """
    resolved = [c.path for c in conflicts if c.kind == "resolved"]
    if resolved:
        # With no rebase or merge under way the conflict came from putting uncommitted changes
        # back: resolved, they are uncommitted changes again, not staged ones.
        step = ("add",) if repo.in_progress() else ("reset", "-q")
        repo.run("-C", str(repo.top), *step, "--", *resolved)
    return [c for c in conflicts if c.kind != "resolved"]


def _sides(repo: Repo) -> tuple[str, str]:
    """Whose versions git calls "ours" and "theirs" in the conflict at hand: swapped while rebasing."""
    incoming = _recorded(repo).get("upstream") or "the other side"
    interrupted = repo.in_progress()
    if interrupted == "rebase":
        return incoming, "this device"
    if interrupted == "merge":
        return "this device", incoming
    return incoming, STASH  # uncommitted changes put back after a pull


def _what(conflict: _Conflict, sides: tuple[str, str]) -> str:
    """What conflicted, in a few words, for a file without markers."""
    if conflict.kind == "unmerged":
        return f"not merged: {conflict.why}"
    held = {version[0] for version in conflict.stages.split()}
    if "1" in held and len(held) == 2:
        gone, kept = sides if "2" not in held else sides[::-1]
        return f"deleted on {gone}, changed on {kept}"
    return "deleted or renamed on one side"


def _advice(conflicts: list[_Conflict], sides: tuple[str, str]) -> list[str]:
    """How to resolve the conflicts, one instruction each (one for all when all have markers)."""
    again = "then run `vault sync` again"
    stash = ["git also kept your uncommitted changes in the stash: `git stash drop` it once they are right"]
    if all(c.kind in ("marked", "resolved") for c in conflicts):
        advice = [f"in each file keep the text you want and delete the {MARKERS} lines, {again}"]
    else:
        advice = [_advice_for(c, sides) for c in conflicts] + [again]
    return advice + (stash if sides[1] == STASH else [])


def _advice_for(conflict: _Conflict, sides: tuple[str, str]) -> str:
    path = shlex.quote(conflict.shown)
    if conflict.kind == "deleted":
        return (
            f"{conflict.shown} ({_what(conflict, sides)}): keep it with `git add -- {path}` "
            f"or delete it with `git rm -- {path}`"
        )
    if conflict.kind == "unmerged":
        return (
            f"{conflict.shown} could not be merged ({conflict.why}) and holds {sides[0]}'s version: "
            f"keep that with `git add -- {path}`, or take {sides[1]}'s with "
            f"`git checkout --theirs -- {path}` and `git add -- {path}`"
        )
    return f"in {conflict.shown} keep the text you want and delete the {MARKERS} lines"


def _commit(repo: Repo, args: list[str]) -> None:
    proc = repo.run(*args, check=False)
    if proc.returncode == 0:
        return
    output = proc.stderr + proc.stdout
    if "tell me who you are" in output or "user.email" in output:
        raise GitError(
            "git needs your name and email for commits: git config --global user.name 'Your Name'; "
            "git config --global user.email you@example.com"
        )
    raise GitError(f"git commit failed: {git_reason(output)}")


def _adds_log_entry(repo: Repo, vault_path: str) -> bool:
    """Whether the staged change to a note adds a Log entry line."""
    diff = repo.run("diff", "--cached", "-U0", "--no-color", "--", vault_path).stdout
    return any(
        line.startswith("+") and not line.startswith("+++") and LOG_ENTRY_RE.match(line[1:].rstrip("\r"))
        for line in diff.splitlines()
    )


def _exchange(repo: Repo, branch: str, merge: bool, report: SyncReport) -> None:
    """Fetch, rebase or merge, push: the part of sync that talks to the remote."""
    remote = repo.value("config", "--get", f"branch.{branch}.remote")
    merge_ref = repo.value("config", "--get", f"branch.{branch}.merge")
    set_upstream = False
    if not remote or remote == "." or not merge_ref:
        remotes = (repo.value("remote") or "").split()
        if not remotes:
            report.error = (
                f"no git remote to sync with: add one with `git -C {shlex.quote(str(repo.cwd))} remote add "
                "origin URL`, then run `vault sync` again"
                + ("; your changes are committed here" if report.committed else "")
            )
            return
        if "origin" not in remotes and len(remotes) > 1:
            report.error = f"several git remotes ({', '.join(remotes)}) and none set for {branch}: `git push -u REMOTE {branch}` once"
            return
        remote = "origin" if "origin" in remotes else remotes[0]
        merge_ref = f"refs/heads/{branch}"
        set_upstream = True
    remote_branch = merge_ref.removeprefix("refs/heads/")
    report.remote = f"{remote}/{remote_branch}"
    tracking = f"refs/remotes/{remote}/{remote_branch}"
    fetched = repo.run("fetch", "--quiet", remote, check=False, timeout=NETWORK_TIMEOUT)
    if fetched.returncode != 0:
        _network_failure(report, remote, "fetch", fetched.stderr or fetched.stdout)
        return
    has_upstream = repo.ok("rev-parse", "--verify", "--quiet", tracking)
    has_head = repo.ok("rev-parse", "--verify", "--quiet", "HEAD")
    if not has_head and not has_upstream:
        report.up_to_date = True
        return
    if has_upstream and has_head and not repo.ok("merge-base", "HEAD", tracking):
        report.error = _unrelated(report.remote, merge, bool(report.committed))
        return
    if has_upstream:
        if has_head:
            incoming = repo.run("diff", "--name-status", "-z", "--no-renames", f"HEAD...{tracking}").stdout
            behind = int(repo.run("rev-list", "--count", f"HEAD..{tracking}").stdout.strip() or 0)
        else:
            incoming = repo.run(
                "diff-tree", "-r", "--root", "--name-status", "-z", "--no-renames", tracking
            ).stdout
            behind = 1
        report.incoming = _z_changes(repo, incoming)
        if behind:
            _pull(repo, remote, remote_branch, tracking, merge if has_head else None, report)
            if report.conflicts or report.error:
                return
    ahead = int(
        repo.run("rev-list", "--count", f"{tracking}..HEAD" if has_upstream else "HEAD").stdout.strip() or 0
    )
    if not ahead:
        report.up_to_date = not report.incoming
        return
    target = ["-u", remote, branch] if set_upstream else [remote, f"HEAD:{merge_ref}"]
    pushed = repo.run("push", "--quiet", *target, check=False, timeout=NETWORK_TIMEOUT)
    if pushed.returncode != 0:
        output = pushed.stderr or pushed.stdout
        refused = _REFUSED_RE.search(output)
        # Another push moved the branch between origin's check and its update (or holds
        # its lock): a race like a rejected push, not a refusal.
        raced = "cannot lock ref" in output or "incorrect old value provided" in output
        if refused and not raced:  # a hook or a protected branch: trying again changes nothing
            said = "; ".join(
                line[len("remote:") :].strip() for line in output.splitlines() if line.startswith("remote:")
            )
            report.error = (
                f"{remote} refused the push: {refused.group('reason')}"
                + (f" (it said: {said})" if said else "")
                + "; your commits stay here"
            )
        elif refused or "[rejected]" in output or "fetch first" in output:
            report.error = f"{remote} changed while syncing and did not take the push; run `vault sync` again"
        else:
            _network_failure(report, remote, "push", output)
        return
    report.pushed = True


def _unrelated(upstream: str, merge: bool, committed: bool) -> str:
    """Why a vault set up on its own cannot sync with a remote that has history, and how to join them."""
    join = f"git merge --allow-unrelated-histories {upstream}" if merge else f"git rebase {upstream}"
    return (
        f"this vault's history and {upstream}'s have no commit in common (the vault was not cloned from it): "
        f"to join them, run `{join}` in the vault, then `vault sync`"
        + ("; your changes are committed here" if committed else "")
    )


def _pull(
    repo: Repo, remote: str, remote_branch: str, tracking: str, merge: bool | None, report: SyncReport
) -> None:
    """Bring the remote's commits in: rebase (default), merge, or fast-forward an empty branch."""
    upstream = f"{remote}/{remote_branch}"
    if merge is None:
        args = ["merge", "--ff-only", "--quiet", tracking]
        labels = f"this device|{upstream}"
    elif merge:
        args = ["merge", "--no-edit", "--autostash", "--quiet", tracking]
        labels = f"this device|{upstream}"
    else:
        # While rebasing, "ours" is the remote and "theirs" the local commit being replayed.
        args = ["rebase", "--autostash", "--quiet", tracking]
        labels = f"{upstream}|this device"
    proc = repo.run(*args, check=False, env={LABELS_ENV: labels, "GIT_EDITOR": "true"})
    # Exit 0 with files in conflict: the uncommitted changes outside the vault that git set
    # aside (--autostash) did not go back cleanly; git keeps them in the stash too.
    if proc.returncode == 0 and not repo.unresolved():
        return
    _read_conflicts(repo, proc, report, upstream)
    if not report.conflicts:
        report.error = f"git {args[0]} failed: {git_reason(proc.stderr or proc.stdout)}"


def _read_conflicts(
    repo: Repo, proc: subprocess.CompletedProcess[str], report: SyncReport, upstream: str | None
) -> None:
    """The files left in conflict, what conflicted in each as the merge driver told git, and what to do."""
    conflicts = _conflicts(repo, upstream)
    report.conflicts = [c.shown for c in conflicts]
    marker = f"{DRIVER_PREFIX}: "
    for line in (proc.stderr + proc.stdout).splitlines():
        path, found, what = line.partition(marker)[2].rpartition(f": {CONFLICT_IN}")
        if found:
            report.conflicted_parts.setdefault(repo.shown(path), []).append(what)
    sides = _sides(repo)
    for conflict in conflicts:
        if conflict.kind in ("unmerged", "deleted"):
            report.conflicted_parts.setdefault(conflict.shown, []).append(_what(conflict, sides))
        elif sides[1] == STASH:
            report.conflicted_parts.setdefault(conflict.shown, []).append("your uncommitted changes")
    report.advice = _advice(conflicts, sides)


def _network_failure(report: SyncReport, remote: str, step: str, output: str) -> None:
    kind = _failure_kind(output)
    reason = git_reason(output)
    kept = "; your changes are committed here" if report.committed else ""
    if kind == "offline":
        report.offline = reason
    elif kind == "auth":
        report.error = (
            f"authentication to {remote} failed ({reason}): check your credentials or SSH key{kept}"
        )
    else:
        report.error = f"git {step} {remote} failed: {reason}{kept}"


# -- commit messages ------------------------------------------------------------------------------------
def _under(path: str, folder: str) -> bool:
    return bool(folder) and path.startswith(folder.rstrip("/") + "/")


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", name[:-3] if name.lower().endswith(".md") else name)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def commit_message(changes: Sequence[Change], config: Config, adds_log: Callable[[str], bool]) -> str:
    """A commit message that says what changed, e.g. `vault: log Ada Lovelace, add Katherine Johnson`.

    `adds_log(path)` tells a Log entry from another edit of a person's note.
    """
    people: dict[str, list[str]] = {"log": [], "add": [], "edit": [], "rename": [], "remove": []}
    counts = {"meeting": 0, "daily note": 0, "other file": 0}
    modified = [
        c for c in changes if c.status == "M" and _under(c.path, config.people_dir) and c.path.endswith(".md")
    ]
    check_log = len(modified) <= _MAX_LOG_CHECKS
    for change in changes:
        if _under(change.path, config.people_dir) and change.path.lower().endswith(".md"):
            name = _stem(change.path)
            if change.status == "A":
                people["add"].append(name)
            elif change.status == "D":
                people["remove"].append(name)
            elif change.status in "RC" and change.old_path:
                people["rename"].append(f"{_stem(change.old_path)} to {name}")
            else:
                people["log" if check_log and adds_log(change.path) else "edit"].append(name)
        elif _under(change.path, config.meetings_dir) and change.path.lower().endswith(".md"):
            counts["meeting"] += 1
        elif _under(change.path, config.daily_dir) and change.path.lower().endswith(".md"):
            counts["daily note"] += 1
        else:
            counts["other file"] += 1
    tail = [_plural(n, what) for what, n in counts.items() if n]
    detailed = [f"{verb} {_names(sorted(names))}" for verb, names in people.items() if names] + tail
    subject = "vault: " + ", ".join(detailed)
    if len(subject) > 72:
        short = [
            f"{verb} {_plural(len(names), 'person', 'people')}" for verb, names in people.items() if names
        ]
        subject = "vault: " + ", ".join(short + tail)
    return subject
