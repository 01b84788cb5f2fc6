"""The task outbox: background work recorded in the caller's transaction, published after commit."""
