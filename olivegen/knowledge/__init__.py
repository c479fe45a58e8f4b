"""What olivegen knows about Olive and model families: passes, providers, architectures, packaged files."""
