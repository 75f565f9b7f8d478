"""Q-Office domain logic and workflow runtime (no Flask request objects here)."""
