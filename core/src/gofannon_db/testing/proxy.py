"""A loopback TCP proxy that tests and benchmarks put between a client and a real server.

It forwards ``127.0.0.1:<port>`` to an upstream server and can, at any moment:

- :meth:`FaultProxy.cut` -- drop every open connection and refuse new ones (the server went away);
- :meth:`FaultProxy.freeze` -- keep connections open but forward nothing (a server stopped with SIGSTOP);
- :attr:`FaultProxy.delay` -- hold each chunk this many seconds before forwarding it, in each direction
  (a slow network, or a cloud database some milliseconds away);
- :meth:`FaultProxy.restore` -- go back to forwarding normally (the server is back).

It only ever listens on, and connects to, loopback addresses.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType

__all__ = ["FaultProxy"]

_CHUNK = 65536


class FaultProxy:
    """Forward ``127.0.0.1:port`` to ``upstream``; cut, freeze, delay or restore the traffic on demand."""

    def __init__(self, upstream_host: str, upstream_port: int, *, delay: float = 0.0) -> None:
        if upstream_host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"FaultProxy only forwards to loopback, not {upstream_host!r}.")
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay
        """Seconds each chunk is held before it is forwarded, per direction."""
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: what a client should connect to."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """``127.0.0.1:<port>`` (for settings that take host:port, like ``FIRESTORE_EMULATOR_HOST``)."""
        return f"127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ control

    def start(self) -> FaultProxy:
        """Listen (on the same port as before, after a :meth:`cut`) and forward."""
        self._flowing.set()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="fault-proxy-accept").start()
        return self

    def cut(self) -> None:
        """Drop every connection and stop listening: clients see resets and refused connections."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        self._close_all()

    def freeze(self) -> None:
        """Accept and hold connections but forward nothing: the server looks alive and says nothing."""
        self._flowing.clear()

    def restore(self) -> None:
        """Forward normally again: unfreeze, and listen again if cut."""
        self._flowing.set()
        if self._listener is None:
            self.start()

    def stop(self) -> None:
        """Shut the proxy down for good."""
        self._flowing.set()
        self.cut()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ plumbing

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True, name="fault-proxy-pump").start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(_CHUNK):
                while not self._flowing.wait(0.05):
                    if source not in self._sockets:
                        return
                if self.delay:
                    time.sleep(self.delay)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.difference_update((source, sink))
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
