"""Checking a Dask scheduler address before the batch connects to it.

``nakit batch --scheduler ADDRESS`` sends every notebook's parameters to the scheduler and
runs whatever results come back into the report, so the address is checked first:

* it must be ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` with a port in 1-65535;
* a scheduler that is not on this machine (anything but ``localhost``, 127.0.0.0/8 or
  ``::1``) reached over plain ``tcp://`` gets a :class:`~nakit.errors.NakitWarning`: the
  traffic is unencrypted and unauthenticated, and the client trusts what the peer sends
  (a hostile peer can announce absurd message sizes).

For a shared cluster use distributed's TLS security: start the scheduler and workers with
``--tls-ca-file``, ``--tls-cert`` and ``--tls-key``, and give the client the same CA and its
own certificate through Dask's configuration (``~/.config/dask/distributed.yaml``)::

    distributed:
      comm:
        require-encryption: true
        tls:
          ca-file: /path/ca.pem
          client: {cert: /path/client.pem, key: /path/client-key.pem}

then pass ``--scheduler tls://HOST:PORT``. distributed reads that configuration itself.
"""

from __future__ import annotations

import ipaddress
import warnings
from urllib.parse import urlsplit

from ..errors import NakitWarning, ParameterError

SCHEMES = ("tcp", "tls")
CONNECT_TIMEOUT = "30s"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals; host names are not looked up."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_address(address: str) -> tuple[str, str, int]:
    """Parse and check a scheduler address; return ``(scheme, host, port)``.

    Raises
    ------
    ParameterError
        The address is not ``tcp://HOST:PORT`` or ``tls://HOST:PORT``.
    """
    expected = "expected tcp://HOST:PORT or tls://HOST:PORT"
    parts = urlsplit(address.strip())
    if parts.scheme not in SCHEMES:
        raise ParameterError(f"scheduler address {address!r}: scheme {parts.scheme or 'missing'!r}; {expected}")
    try:
        port = parts.port
    except ValueError:
        raise ParameterError(f"scheduler address {address!r}: the port is not a number in 1-65535; {expected}") from None
    host = parts.hostname
    if not host or port is None or not 1 <= port <= 65535 or parts.path not in ("", "/") or parts.query:
        raise ParameterError(f"scheduler address {address!r}: {expected}")
    if parts.scheme == "tcp" and not is_loopback(host):
        warnings.warn(f"the Dask scheduler {address} is not on this machine and tcp:// is neither encrypted nor "
                      "authenticated; use tls:// with distributed's TLS security on a shared network "
                      "(see nakit.batch.scheduler)", NakitWarning, stacklevel=2)
    return parts.scheme, host, port


def client_options() -> dict:
    """Keyword arguments for ``distributed.Client``: give up on a silent peer instead of hanging."""
    return {"timeout": CONNECT_TIMEOUT}
