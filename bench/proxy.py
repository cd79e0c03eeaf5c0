"""A loopback TCP relay in front of the emulator that notes when the first request arrives.

The bench measures "the first Admin API request of `plan` leaves within 0.12 s of process
start" from outside the process: the relay records the moment the first bytes of the
first connection reach it, and run.py compares that with the moment it started the
process. The relay adds a hop to every request, so only its first-request time is used;
the rows that measure wall time talk to the emulator directly.

    proxy = FirstRequestProxy("127.0.0.1", 8080)
    proxy.reset()
    ... run a command against proxy.base_url ...
    proxy.first_request_at  # time.perf_counter() of the first bytes, or None
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

CHUNK = 65536


class FirstRequestProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._lock = threading.Lock()
        self.first_request_at: float | None = None
        self._stopping = False
        threading.Thread(target=self._accept, name="bench-proxy", daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.first_request_at = None

    def stop(self) -> None:
        self._stopping = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, socket.create_connection(self._upstream) as upstream:
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            back = threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True)
            back.start()
            self._pipe(client, upstream, True)
            back.join()

    def _pipe(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(CHUNK):
                if from_client and self.first_request_at is None:
                    now = time.perf_counter()
                    with self._lock:
                        if self.first_request_at is None:
                            self.first_request_at = now
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)
