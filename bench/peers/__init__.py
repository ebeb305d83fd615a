"""Runners for peer aligners, all fed the same sentences (and, where they use them, the same embeddings)."""
