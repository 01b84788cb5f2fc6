"""Run a Python module as ``python -m MODULE ARGS…`` but let it listen on the loopback interface only.

Some test servers (localstripe) bind every interface with no option to choose.  This shim replaces
a wildcard bind address ("", "0.0.0.0", "::") with the matching loopback address before running
the module, so the server is never reachable from outside this machine.  It knows nothing about
the module it runs, which stays a separate program:

    python tests/support/loopback_only.py localstripe --port 8420 --from-scratch
"""
import runpy
import socket
import sys

_WILDCARD_V4 = {"", "0.0.0.0"}
_WILDCARD_V6 = {"::", "::0"}
_bind = socket.socket.bind


def _loopback_bind(self, address):
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in _WILDCARD_V4:
            address = ("127.0.0.1",) + tuple(address[1:])
        elif host in _WILDCARD_V6:
            # An IPv6 socket bound to the IPv4-mapped loopback address accepts 127.0.0.1 only.
            address = ("::ffff:127.0.0.1",) + tuple(address[1:])
    return _bind(self, address)


socket.socket.bind = _loopback_bind

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: loopback_only.py MODULE [ARGS…]")
    module = sys.argv[1]
    sys.argv = [module] + sys.argv[2:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
