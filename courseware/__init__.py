"""Advocacy with ASEAN course builder: YAML and Markdown sources become an offline site and PDF handouts."""

__version__ = "0.1.0"
