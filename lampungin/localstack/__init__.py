"""The local stack behind `lampungin dev`: moto standing in for AWS, the Chalice app served over
HTTP, the complaints stream polled into the app's stream handler, and the app's schedules fired.

Each part is a small class that tests drive directly (``stream.StreamPoller``,
``scheduler.Scheduler``); ``lampungin/dev.py`` only wires them together. The store is chosen in
``aws.py`` so that DynamoDB Local can replace moto for DynamoDB without touching the poller.
"""
