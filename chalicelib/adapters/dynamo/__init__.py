"""DynamoDB storage through PynamoDB.

`tables` declares every table (plain data, no SDK import); `models` maps them to PynamoDB and the
domain; `complaints`, `clocks` and `sanctions` are the repositories of services/ports.py; `batch`
reads a page of items in one bounded BatchGetItem; `sharding` spreads the sweep's index. Cursors
come from services/paging.py, the one codec. Import the submodule you need: this package imports
nothing so that reading table definitions stays free of pynamodb's import cost.
"""
