"""git: setup, `vault sync` (git.py), the merge driver git calls (driver.py), running git (repo.py)."""
