"""DynamoDB storage through PynamoDB.

`tables` declares the tables (plain data, no SDK import); `models` maps them to PynamoDB and the
domain; `complaints` is the ComplaintRepository. Import the submodule you need: this package
imports nothing so that reading table definitions stays free of pynamodb's import cost.
"""
