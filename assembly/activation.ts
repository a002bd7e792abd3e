// Filled in by the activation work.
