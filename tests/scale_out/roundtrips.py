"""Counting what a test sends to Redis."""

import threading
from unittest import mock

import redis


class RoundTrips:
    """Counts the commands this thread sends to Redis (one per round trip, pipelines aside);
    not those of the thread that listens for invalidations (newsroom/lib/nearcache.py)."""

    def __init__(self):
        self.count = 0
        self._send = redis.connection.AbstractConnection.send_packed_command

    def __enter__(self):
        counter = self
        this_thread = threading.current_thread()

        def counted(connection, command, check_health=True):
            if threading.current_thread() is this_thread:
                counter.count += 1
            return counter._send(connection, command, check_health)

        self._patch = mock.patch.object(redis.connection.AbstractConnection, "send_packed_command", counted)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()
