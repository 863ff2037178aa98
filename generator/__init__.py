"""kb: a city's 311 knowledge base and service catalog generator."""

__version__ = "0.2.0"
