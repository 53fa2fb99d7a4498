"""Writes of the notifications app: `notify` (the one way any service records an event for
people), preferences and unsubscribing, e-mail deliveries and the daily digest."""
