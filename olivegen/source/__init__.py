"""Stage 1: reading recipe and config text with positions, within limits."""
