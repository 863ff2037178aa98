"""Output formats, one module each: files other tools read."""
