"""A TCP proxy in front of the database that a test can make refuse connections or hang.

The seam for database outages: the app talks to the real PostgreSQL server through it, and
the test decides what the network does: ``forward`` (pass bytes both ways), ``refuse``
(nothing listens on the port: connection refused), ``hang`` (connections are accepted and
never answered; the ones open before are cut, as when the server restarts into a hang).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType


class TcpProxy:
    """Forward 127.0.0.1:<port> to ``target`` in background threads until ``close``."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "forward"
        self._sockets: list[socket.socket] = []  # every open connection, either side
        self._lock = threading.Lock()
        self._closed = False
        self._listener = self._listen(0)
        self.port: int = self._listener.getsockname()[1]
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepting.start()

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listener.settimeout(0.1)
        return listener

    def _accept_loop(self) -> None:
        while not self._closed:
            with self._lock:
                listener = self._listener
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by refuse(): wait for forward() to listen again
                time.sleep(0.05)
                continue
            with self._lock:
                self._sockets.append(client)
                mode = self.mode
            if mode == "forward":
                self._forward(client)
            # "hang": keep the connection open and never answer

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        with self._lock:
            self._sockets.append(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _cut_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def forward(self) -> None:
        """Pass connections through again (listening again if ``refuse`` closed the port)."""
        with self._lock:
            self.mode = "forward"
        if self._listener.fileno() == -1:
            listener = self._listen(self.port)
            with self._lock:
                self._listener = listener
        self._cut_all()  # hung connections: their clients gave up long ago

    def refuse(self) -> None:
        """Close the port: new connections are refused, open ones cut."""
        with self._lock:
            self.mode = "refuse"
            self._listener.close()
        self._cut_all()

    def hang(self) -> None:
        """Accept connections and never answer; open ones are cut."""
        with self._lock:
            self.mode = "hang"
        self._cut_all()

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self._cut_all()
        self._accepting.join(timeout=2)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
