"""A purger that only remembers what it was asked to purge (CDN_PURGER in the purge tests)."""


class RecordingPurger:
    calls: list[list[str]] = []

    def purge(self, urls):
        RecordingPurger.calls.append(sorted(urls))
