"""People: accounts, sign-in and API tokens, the demo organisation and users."""
