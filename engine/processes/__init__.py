"""Process administration for process owners: validate diagrams before deploy, deploy versions with who
and why, compare versions, migrate running documents between versions, and show where a document stands
on its diagrams.

It lives beside ``engine/workflow`` (which runs instances) because it is a different job with different
users: the runtime serves every clerk's click, this room serves the few people who change the process.
"""
