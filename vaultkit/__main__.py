"""`python -m vaultkit`: the `vault` command (used by the git merge driver)."""

from vaultkit.cli.launch import main

main()
