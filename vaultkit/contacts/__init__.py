"""Address books in and out: vCard, the importers' readers and plan, the exports."""
