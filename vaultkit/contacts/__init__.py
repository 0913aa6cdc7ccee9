"""Address books in and out: vCard, the readers, matching, the import plan, the exports."""
