"""The whole `vault` command: the app of `cli/app.py` with every command module imported,
each of which registers its commands on it."""

from __future__ import annotations

from vaultkit.cli import core as core
from vaultkit.cli import io as io
from vaultkit.cli import mcp as mcp
from vaultkit.cli import meet as meet
from vaultkit.cli import network as network
from vaultkit.cli import obsidian as obsidian
from vaultkit.cli import prospects as prospects
from vaultkit.cli import sync as sync
from vaultkit.cli import watch as watch
from vaultkit.cli.app import app, main

__all__ = ["app", "main"]
