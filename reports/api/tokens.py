"""A personal API token's key and its digest: a random key shown once, its SHA-256 kept.

A key carries 256 random bits, so a plain (unsalted, fast) digest is enough: nobody can
guess a key from its digest, and a fast digest lets each request find its token by one
indexed lookup."""

import hashlib
import secrets

KEY_PREFIX = "bma_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]
