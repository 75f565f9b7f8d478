"""Running the system: declared outages, the incident register, backups, health."""
