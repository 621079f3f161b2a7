"""All I/O of Lampung In: storage, streams, files, notifications, auth.

Nothing here is imported eagerly: each adapter pulls in its SDK (pynamodb, boto3) only when a
handler that needs it imports that module, which keeps cold starts short.
"""
