// Filled in by the softmax work.
