"""Indicators, partner returns, DfE record-level imports and SPC early warning."""
