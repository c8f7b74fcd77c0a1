"""The tests' PostgreSQL server: one throwaway cluster (:mod:`tests.pgcluster`) per test
session. Without the binaries the tests are skipped locally, and FAIL under ``CI=1``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .pgcluster import NoPostgres, PgCluster, start_cluster

__all__ = ["PgCluster", "pg_cluster"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        cluster = start_cluster()
    except NoPostgres as exc:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (Debian's postgresql package) is not installed; "
                        ".ci/run installs it")
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        cluster.remove()
