"""Slow clients (slowloris): connections that send a request's headers a byte a second and never
end them. Used by tests/test_proxy.py and bench/servers.py, against a server or nginx."""

import select
import socket
import threading


class SlowClients:
    """`count` connections trickling headers; each one dropped by the server is opened again at
    once (`dropped` counts them)."""

    START = b"GET /v1/articles HTTP/1.1\r\nHost: localhost\r\nX-Slow: "

    def __init__(self, url: str, count: int) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.count = count
        self.dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle)

    def __enter__(self) -> "SlowClients":
        self._sockets = [self._open() for _ in range(self.count)]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self._sockets:
            connection.close()

    def _open(self) -> socket.socket:
        connection = socket.create_connection(self.address, timeout=5)
        connection.sendall(self.START)
        return connection

    def _trickle(self) -> None:
        while not self._stop.wait(1):
            closed, _, _ = select.select(self._sockets, [], [], 0)  # readable: answered or closed
            for n, connection in enumerate(self._sockets):
                try:
                    if connection in closed:
                        raise ConnectionResetError
                    connection.send(b"a")
                except OSError:
                    connection.close()
                    self._sockets[n] = self._open()
                    self.dropped += 1
