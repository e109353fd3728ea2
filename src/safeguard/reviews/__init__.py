"""Serious incidents: referral, the LA's decision, Rapid Review, CSPR, actions and learning."""
