"""The Encompass pages: thin; each parses, calls a selector or service, and renders."""
