"""The files on disk: finding the vault, name rules, the walk, the one atomic writer.

`from vaultkit.vault import Vault` is the library's way in (see docs: Library API). The
names are looked up when first asked for, so that importing a light module of this
package (`vaultkit.vault.stats`, at start-up) does not import the rest.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing is not imported: `vaultkit.vault.early` imports this package first)
if TYPE_CHECKING:
    from typing import Any

    from vaultkit.vault.files import Snapshot, Vault, find_vault_root, init_vault

__all__ = ["Snapshot", "Vault", "find_vault_root", "init_vault"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from vaultkit.vault import files

        return getattr(files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
