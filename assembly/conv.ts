// Filled in by the conv work.
