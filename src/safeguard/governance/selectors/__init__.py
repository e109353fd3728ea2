"""Every read of the action plan, already filtered to what the actor may see."""
