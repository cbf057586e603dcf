"""ballata: the consent-gated publishing pipeline of Balla'ta Migran."""

__version__ = "0.1.0"
