"""`python -m vaultkit`: the `vault` command (used by the git merge driver)."""

from vaultkit.launch import main

main()
