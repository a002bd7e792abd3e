// Filled in by the loss work.
