"""The files on disk: finding the vault, name rules, the walk, the one atomic writer.

`from vaultkit.vault import Vault` is the library's way in (see docs: Library API).
"""

from vaultkit.vault.files import Snapshot, Vault, find_vault_root, init_vault

__all__ = ["Snapshot", "Vault", "find_vault_root", "init_vault"]
