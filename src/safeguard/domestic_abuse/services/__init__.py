"""Every state change of domestic abuse triage, one transaction each, audited."""
