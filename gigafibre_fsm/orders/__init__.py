"""Orders: pricing a basket, and (later) turning an order into a customer graph."""
