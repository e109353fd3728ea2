"""Every read of the reviews module, already filtered to what the actor may see."""
