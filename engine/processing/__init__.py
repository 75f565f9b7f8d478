"""Processing incoming documents: routing into processing lines, task inboxes and forms' completion,
who may see what, the leaders' overview and urging, delegation and handover."""
