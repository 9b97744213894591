"""Tasks this app puts on a practitioner's home page (see goldenthread.web.tasks)."""
