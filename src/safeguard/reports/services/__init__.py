"""Every change to a report: creating it, writing, reviewing, signing off, publishing."""
