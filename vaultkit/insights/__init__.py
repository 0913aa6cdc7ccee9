"""Figures about the network: stats, goals, introductions, suggestions."""
