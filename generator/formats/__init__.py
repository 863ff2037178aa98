"""Output formats, one module each: the files other tools read."""
