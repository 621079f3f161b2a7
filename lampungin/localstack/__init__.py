"""The local stack behind `lampungin dev`: AWS's DynamoDB Local (or moto) as the store, moto
standing in for the other AWS services, the Chalice app served over HTTP, the complaints stream
polled into the app's stream handler, and the app's schedules fired.

Each part is a small class that tests drive directly (``stream.StreamPoller``,
``scheduler.Scheduler``, ``dynamodb_local.DynamoDBLocal``); ``lampungin/dev.py`` only wires them
together. ``store.py`` chooses the store (``java.py`` finds Java, ``dynamodb_local_install.py``
fetches and caches DynamoDB Local); DynamoDB Local plugs in through ``aws.aws_env``'s DynamoDB
endpoint, so the poller reads its stream exactly as it reads DynamoDB's.
"""
