"""`vault mcp`: the vault served to an AI assistant over the Model Context Protocol.

A front over the core, like the CLI: `server.py` (the only module that imports the MCP SDK,
and only `vault mcp` imports it) turns tool calls into the same calls the commands make;
`prompts.py` writes the prompts' text. Nothing in the core imports this package.
"""

from __future__ import annotations

from vaultkit.errors import VaultkitError

INSTALL_HINT = "pip install 'vaultkit[mcp]'"


class SdkMissing(VaultkitError):
    """The MCP SDK, an optional extra, is not installed."""

    def __init__(self) -> None:
        super().__init__(f"`vault mcp` needs the MCP SDK, an optional extra: {INSTALL_HINT}")
