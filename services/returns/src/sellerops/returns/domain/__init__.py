"""Pure decisions of the returns service: state, message and time in; state and events out."""
