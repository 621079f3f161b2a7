"""Tooling around the Lambda app: the `lampungin` command, the local stack, rules tools.

Not shipped to Lambda (chalice packages only app.py, chalicelib/ and vendor/).
"""
