"""git: setup, `vault sync`, and the merge driver git calls."""
