"""The `vault` command: `cli/app.py` holds the Typer app and `cli/commands.py` imports every
command module, each of which registers its commands on it.

This package's own module imports nothing, so that `cli/launch.py`, the console script,
starts before the CLI's imports: importing a submodule runs its package's `__init__` first.
"""
