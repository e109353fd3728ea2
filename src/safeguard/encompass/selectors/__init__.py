"""Every read of Encompass records, already filtered to what the actor may see."""
