"""Extension points: entry-point groups, their registries, and the loader."""
