"""Counting password hashes: the suite hashes with MD5PasswordHasher, whose verify() and
make_password() both go through encode(), so each call to encode is one hash computed."""

from contextlib import contextmanager
from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher


@contextmanager
def counting_hashes():
    calls = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", encode):
        yield calls
