"""What happens after a write: events fanned out to webhooks, cart recovery, signed delivery."""
