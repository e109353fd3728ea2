"""Domestic abuse triage: the daily DRAMM board, DASH, MARAC referrals and repeats."""
