"""The office's replica (crash-safe store and outbox), the wire protocol and the sync client."""
