"""The composition root: the ``guildhall`` CLI and the wiring of each runtime mode."""
