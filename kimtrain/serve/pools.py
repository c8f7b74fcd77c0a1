"""The workshop server's kernel manager: each kernel told its session context, and
Voilà's kernel pools (``kimtrain serve --warm N``) keyed the same way on every system.

:class:`ContextKernelManager` starts every kernel with the workshop's
:class:`kimtrain.context.SessionContext` in the kernel's own environment
(:func:`kimtrain.context.kernel_environment`); the server's environment is not changed.

Voilà fills a pool under the notebook's path as the file system spells it
(``pretest\\pretest.ipynb`` on Windows) but looks it up under the path of the URL
(``pretest/pretest.ipynb``), so on Windows no warm kernel was ever used. The pools
here are kept under the URL form whatever spelling Voilà uses, and the pool sizes
are configured under both spellings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Any as AnyTrait

from kimtrain.context import kernel_environment

__all__ = ["ContextKernelManager", "PoolKeyKernelManager", "PoolsByUrlPath", "pool_key",
           "pools_config"]


def pool_key(path: Any, sep: str | None = None) -> Any:
    """A notebook path in URL form (forward slashes); other keys (``None``) unchanged."""
    if not isinstance(path, str):
        return path
    return path.replace(sep or os.sep, "/").replace("\\", "/")


def pools_config(paths: Iterable[str], size: int, sep: str | None = None) -> dict[str, Any]:
    """Voilà's ``kernel_pools_config``: ``size`` kernels for each of ``paths`` (URL form),
    under both spellings, and none for anything else."""
    sep = sep or os.sep
    config: dict[str, Any] = {"default": {"pool_size": 0}}
    for path in paths:
        config[path] = {"pool_size": size}
        config[path.replace("/", sep)] = {"pool_size": size}
    return config


class PoolsByUrlPath(dict[Any, Any]):
    """A dict of pools whose keys are normalised by :func:`pool_key`."""

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(pool_key(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(pool_key(key), value)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(pool_key(key))

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(pool_key(key), default)

    def pop(self, key: Any, *default: Any) -> Any:
        return super().pop(pool_key(key), *default)


class ContextKernelManager(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager, starting every kernel with ``kernel_context``
    (a :class:`kimtrain.context.SessionContext`) in its environment."""

    kernel_context = AnyTrait(None, config=True, help="The SessionContext of every kernel.")

    # jupyter_client's stubs declare the synchronous signature; this manager is async
    async def start_kernel(  # type: ignore[override]
            self, *, kernel_name: str | None = None, path: Any = None, **kwargs: Any) -> str:
        if self.kernel_context is not None:
            kwargs["env"] = kernel_environment(kwargs.get("env") or os.environ,
                                               self.kernel_context)
        started: str = await super().start_kernel(kernel_name=kernel_name, path=path, **kwargs)
        return started


class PoolKeyKernelManager(ContextKernelManager):
    """Jupyter Server's kernel manager, whose pools (added by Voilà's preheating
    subclass) are a :class:`PoolsByUrlPath`."""

    @property
    def _pools(self) -> PoolsByUrlPath:
        pools: PoolsByUrlPath = self.__dict__.setdefault("_kimtrain_pools", PoolsByUrlPath())
        return pools

    @_pools.setter
    def _pools(self, value: dict[str, Any]) -> None:
        pools = PoolsByUrlPath()
        for key, pool in value.items():
            pools[key] = pool
        self.__dict__["_kimtrain_pools"] = pools
