"""Pure fulfillment domain: state, message and time in; new state and events out."""
