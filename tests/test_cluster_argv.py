"""The cluster's Rasa servers start whatever random token they were given."""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("cluster", ROOT / "scripts" / "cluster" / "cluster.py")
cluster = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("cluster", cluster)  # its dataclasses look their module up
_spec.loader.exec_module(cluster)


def test_an_api_token_starting_with_a_dash_still_reaches_rasa_as_the_token(tmp_path):
    # secrets.token_urlsafe can start with "-"; given as a separate argument, Rasa's
    # argument parser took it for an option and the server did not start (CI, 022ea52).
    made = cluster.Cluster(base=tmp_path, with_web=False)
    made.secrets = {"api_token": "-dashfirst", "postgres_password": "p", "redis_password": "r",
                    "sender_hash_key": "k"}
    argv = made._rasa(0).argv
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    known, _ = parser.parse_known_args(argv[2:])
    assert known.auth_token == "-dashfirst"
