"""Every read of reports and of what goes in them."""
