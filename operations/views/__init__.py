"""Pages of the operations app, one module per area."""
