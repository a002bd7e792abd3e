// Filled in by the norm work.
