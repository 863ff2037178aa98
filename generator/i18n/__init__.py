"""Languages: PO files, translatable units of Markdown, interface messages, locale formats."""
