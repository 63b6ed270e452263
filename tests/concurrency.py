"""Doing things at the same moment, for the tests of what two tabs, workers or requests racing
each other must not both get (the last free article, a used-once stamp, one webhook's
effects)."""

import threading

from django.db import connection


def at_the_same_moment(*calls, expected=()):
    """Run each call in a thread of its own, all let go at once, and return their outcomes in
    the order of the calls: what each returned, or the exception it raised when that is one of
    the `expected` kinds. Any other exception is raised here, in the test. Each thread closes
    its database connection at the end, as a finished request does."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)
    unexpected = []

    def run(number, call):
        try:
            start.wait()
            outcomes[number] = call()
        except expected as error:
            outcomes[number] = error
        except BaseException as error:
            unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number, call)) for number, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if unexpected:
        raise unexpected[0]
    return outcomes
