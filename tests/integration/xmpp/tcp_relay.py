#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A TCP relay for one test: listens on 127.0.0.1:LISTEN_PORT and forwards each connection to
127.0.0.1:TARGET_PORT. SIGUSR1 cuts every current connection at once (both sides see the TCP
connection die, as when a NAT forgets it), new connections are relayed as before.

Usage: tcp_relay.py LISTEN_PORT TARGET_PORT
"""
import asyncio
import signal
import sys

writers = set()


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def relay(client_reader, client_writer, target_port):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    writers.update((client_writer, server_writer))
    print("RELAYING", flush=True)
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))
    writers.difference_update((client_writer, server_writer))


def cut():
    for writer in list(writers):
        writer.transport.abort()
    writers.clear()
    print("CUT", flush=True)


async def main():
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    server = await asyncio.start_server(lambda r, w: relay(r, w, target_port), "127.0.0.1", listen_port)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, cut)
    print("LISTENING", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
