#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A second XMPP client (slixmpp) that subscribes to the room's presence and prints every
presence it receives from the room, one line each:

    PRESENCE <from> <type> <show> <status>

Usage: presence_watcher.py JID PASSWORD HOST PORT CA_FILE ROOM_JID
"""
import asyncio
import sys

import slixmpp


class Watcher(slixmpp.ClientXMPP):
    def __init__(self, jid, password, room):
        super().__init__(jid, password)
        self.room = room
        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("failed_auth", lambda _: print("WATCHER auth failed", flush=True))

    async def session_start(self, _event):
        self.send_presence()
        await self.get_roster()
        self.send_presence(pto=self.room, ptype="subscribe")
        print("WATCHER online", flush=True)

    def on_presence(self, presence):
        if presence["from"].bare != self.room:
            return
        print("PRESENCE %s %s %s %s" % (presence["from"], presence["type"], presence["show"] or "-",
                                        presence["status"] or "-"), flush=True)


def main():
    jid, password, host, port, ca_file, room = sys.argv[1:7]
    xmpp = Watcher(jid, password, room)
    xmpp.ca_certs = ca_file
    xmpp.connect((host, int(port)))
    asyncio.get_event_loop().run_forever()


if __name__ == "__main__":
    main()
