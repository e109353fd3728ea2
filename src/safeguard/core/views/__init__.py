"""The kernel's pages, one module per area; ``safeguard.core.urls`` gathers their routes."""
