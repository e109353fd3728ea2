"""Every read of domestic abuse records, already filtered to what the actor may see."""
