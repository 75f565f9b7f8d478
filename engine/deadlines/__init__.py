"""Deadlines: the working-day calendar, timers' sweep, reminders and escalation, the leaders' digest."""
