"""The `vault` console script: a one-shot process, started and ended as cheaply as it can be.

Kept apart from the CLI so that the garbage collector is off before the CLI's imports: a
command runs for a moment and leaves, and the cyclic collector would only walk, again and
again, the objects those imports made (about 0.01 s a command). `vault watch`, which runs
for days, turns it back on. And so that the early stats' child (`vaultkit.vault.early`) is
forked before those imports, to stat the notes while they run.
"""

import gc


def main() -> None:
    """Run the `vault` command."""
    gc.disable()
    import os
    import sys

    from vaultkit.vault import early

    early.start(sys.argv[1:], os.environ)  # the walk's stats begin while the CLI imports
    from vaultkit.cli.commands import main as run

    run()
