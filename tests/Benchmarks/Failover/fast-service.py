"""A service that starts in about 50 ms, for the failover benchmark (--service fast).

It speaks just enough HTTP for the benchmark: GET /health answers 200, POST /crash?code=N answers
and exits with code N 50 ms later, like the test service; anything else gets 404. SIGTERM ends it
at once. Run with python3 -S (no site packages): only the socket module is imported.
    python3 -S fast-service.py --port PORT
"""
import os
import signal
import socket
import sys
import threading


def answer(connection, status, body):
    text = body.encode()
    connection.sendall(b"HTTP/1.1 %s\r\nContent-Length: %d\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n%s" % (status.encode(), len(text), text))


def serve(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    while True:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(2)
            try:
                request = connection.recv(4096).decode("latin-1")
            except OSError:
                continue
            method, _, rest = request.partition(" ")
            path = rest.partition(" ")[0]
            if method == "GET" and path == "/health":
                answer(connection, "200 OK", "ok")
            elif method == "POST" and path.startswith("/crash"):
                code = int(path.partition("code=")[2] or "1")
                answer(connection, "200 OK", "crashing")
                threading.Timer(0.05, lambda: os._exit(code)).start()
            else:
                answer(connection, "404 Not Found", "not found")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    serve(int(sys.argv[sys.argv.index("--port") + 1]))
