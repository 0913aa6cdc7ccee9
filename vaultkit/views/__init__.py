"""Rendering: the sandboxed Jinja environment, the built-in views, template admin."""
