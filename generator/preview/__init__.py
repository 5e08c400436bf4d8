"""``gongkai serve``: the pipeline kept in memory between edits, and the HTTP server over it."""
