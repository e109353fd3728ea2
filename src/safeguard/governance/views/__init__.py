"""The action plan's pages: thin HTTP over the services and selectors."""
