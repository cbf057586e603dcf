"""The website adapter: MkDocs + Material on top of the publish set."""
