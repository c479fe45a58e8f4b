"""Stage 5: a checked recipe -> the render context -> Jinja -> a checked Olive config."""
