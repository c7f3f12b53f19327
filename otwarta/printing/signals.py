"""Regenerates the PDFs of packs when something they show is published (see services)."""
