"""Evaluation report sections (written by a helper)."""
