"""Where the vault and its index are: the rules, with nothing heavier than `os` to import,
so that a command can start its walk while it is still importing (see `vaultkit.vault.early`)."""

from __future__ import annotations

import os

from vaultkit.errors import VaultNotFound

CONFIG_NAME = "vaultkit.toml"
GLOBAL_VALUE_OPTIONS = ("--vault", "--today", "--index")  # the CLI's global options with a value


def global_options(args: list[str]) -> tuple[dict[str, str], str | None]:
    """The values of the global options before the command (`--vault X`, `--index=Y`), and
    the command, when they name one after only global options (else None: `--help`,
    `--version`, a mistake, and the whole app answers)."""
    values: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name in GLOBAL_VALUE_OPTIONS:
            values[name] = value if equals else next(rest, "")
        elif arg == "--debug":
            continue
        elif arg.startswith("-"):
            return values, None
        else:
            return values, arg
    return values, None


def vault_root(explicit: str | None, cwd: str) -> str:
    """The vault's real path: `explicit` if given, else the nearest folder from `cwd` up
    with vaultkit.toml or .obsidian/."""
    if explicit:
        root = os.path.expanduser(explicit)
        if not os.path.isdir(root):
            # (the option, or the variable that set it when the option was not given)
            given = "$VAULTKIT_VAULT" if os.environ.get("VAULTKIT_VAULT") == explicit else "--vault"
            what = (
                "is a file, not a folder" if os.path.exists(root) else "is no folder: there is nothing there"
            )
            raise VaultNotFound(f"{given} {explicit} {what}; give the folder of a vault")
        return os.path.realpath(root)
    folder = cwd
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_NAME)) or os.path.isdir(
            os.path.join(folder, ".obsidian")
        ):
            return os.path.realpath(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    raise VaultNotFound(
        "no vault here: run inside a vault (a folder with vaultkit.toml or .obsidian/), "
        "pass --vault PATH, set $VAULTKIT_VAULT, or make one with `vault init`"
    )


def vault_cache_dir(root: str) -> str:
    """The vault's folder in the user's cache folder, keyed by the vault's real path: it
    holds the default index, and the lock that keeps one `vault watch` per vault whatever
    index each uses (nothing derived is kept in the vault itself)."""
    import hashlib  # OpenSSL: 3 ms, for the default path only

    from platformdirs import user_cache_dir

    # fsencode: the path's own bytes, which need not be UTF-8 (the same bytes when they are).
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:16]
    return os.path.join(user_cache_dir("vaultkit"), digest)


def default_index_path(root: str) -> str:
    """The index for a vault in the user's cache folder, keyed by the vault's real path."""
    return os.path.join(vault_cache_dir(root), "index.sqlite")
