"""vaultkit: a personal relationship manager that lives in a folder of Markdown files."""

from __future__ import annotations

__version__ = "0.1.0"
