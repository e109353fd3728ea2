"""Every change to the action plan and its own sources: one transaction each, audited."""
