#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of the http_api fuzzer: the requests the presenter page (web/app.js,
web/whip_client.js), WHIP senders, admins' curl and Prometheus send, as raw HTTP/1.1 after TLS,
one connection per file (keep-alive and pipelined requests follow one another), plus requests
the connection must refuse. The WHIP offers are the captured ones of tests/vectors/sdp/.
Run from the repository root: python3 tests/fuzz/make_http_seeds.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = ROOT / "tests" / "fuzz" / "corpus" / "http_api"
ADMIN = "fuzz-admin-token-0123456789abcdef"  # http_api_fuzzer.cpp kAdminToken
SESSION = "0123456789abcdef0123456789abcdef"


def request(method, target, body=b"", headers=(), close=False):
    lines = [f"{method} {target} HTTP/1.1", "Host: presentd.local"]
    lines += list(headers)
    if body or method in ("POST", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def offer(name):
    return (ROOT / "tests" / "vectors" / "sdp" / f"{name}.sdp").read_bytes()


def viewer_offer(name):
    return (ROOT / "tests" / "unit" / "sdp" / "viewer_offers" / f"{name}.sdp").read_bytes()


def main():
    TARGET.mkdir(parents=True, exist_ok=True)
    bearer = (f"Authorization: Bearer {ADMIN}",)
    sdp = ("Content-Type: application/sdp",)
    seeds = {
        "page_load": request("GET", "/") + request("GET", "/app.js") + request("GET", "/whip_client.js") +
                     request("GET", "/style.css") + request("GET", "/api/v1/capabilities", close=True),
        "status_and_metrics": request("GET", "/api/v1/status") + request("GET", "/metrics") +
                              request("HEAD", "/api/v1/status", close=True),
        "join_then_whip_chromium": request("POST", "/api/v1/join", json.dumps({"pin": "", "name": "Ann"}).encode(),
                                           ("Content-Type: application/json",)) +
                                   request("POST", "/whip", offer("chromium_156_vp8_opus_datachannel"), sdp),
        "whip_post_gstreamer": request("POST", "/whip", offer("gstreamer_1_22_vp8_opus"), sdp, close=True),
        "whip_post_obs": request("POST", "/whip", offer("obs_like_handwritten_h264_opus"), sdp),
        "whip_post_firefox_wrong_type": request("POST", "/whip", offer("firefox_esr_153_camera_whip"),
                                                ("Content-Type: text/plain",)),
        "whip_options_patch_delete": request("OPTIONS", "/whip", headers=("Origin: https://presentd.local",)) +
                                     request("PATCH", f"/whip/{SESSION}",
                                             b"a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                                             b"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"
                                             b"a=candidate:1 1 udp 2130706431 192.0.2.9 5000 typ host\r\n",
                                             ("Content-Type: application/trickle-ice-sdpfrag", "If-Match: \"*\"")) +
                                     request("DELETE", f"/whip/{SESSION}"),
        # Viewers (WHEP, the /watch page's calls, the admin's viewer calls).
        "whep_post_chromium_watch": request("POST", "/whep", viewer_offer("chromium_156_whep_audio_4_video"), sdp) +
                                    request("GET", f"/whep/{SESSION}/layout"),
        "whep_post_gstreamer": request("POST", "/whep", viewer_offer("gstreamer_1_22_whep_vp8_h264_opus"), sdp,
                                       close=True),
        "whep_head_options_patch_delete": request("HEAD", "/whep") + request("GET", "/whep") +
                                          request("OPTIONS", "/whep", headers=("Origin: https://presentd.local",)) +
                                          request("PATCH", f"/whep/{SESSION}",
                                                  b"a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef0123456789\r\n",
                                                  ("Content-Type: application/trickle-ice-sdpfrag", "If-Match: *")) +
                                          request("DELETE", f"/whep/{SESSION}"),
        "admin_viewers": request("GET", "/api/v1/admin/viewers", headers=bearer) +
                         request("POST", f"/api/v1/admin/viewers/{SESSION}/remove", headers=bearer) +
                         request("GET", "/watch") + request("GET", "/watch/watch.js"),
        "events_stream": request("GET", f"/whip/{SESSION}/events", headers=("Accept: text/event-stream",)),
        "events_approval": request("POST", f"/whip/{SESSION}/approvals/00ff00ff",
                                   json.dumps({"accept": True}).encode(),
                                   ("Content-Type: application/json",)),
        "admin_all": request("GET", "/api/v1/admin/presenters", headers=bearer) +
                     request("POST", "/api/v1/admin/lock", headers=bearer) +
                     request("POST", "/api/v1/join", b'{"name":"Bo"}', ("Content-Type: application/json",)) +
                     request("POST", "/api/v1/admin/unlock", headers=bearer) +
                     request("POST", "/api/v1/admin/pin/rotate", headers=bearer) +
                     request("GET", "/api/v1/admin/pin", headers=bearer) +
                     request("POST", f"/api/v1/admin/presenters/{SESSION}/remove", headers=bearer) +
                     request("GET", "/api/v1/snapshot.png", headers=bearer),
        "admin_wrong_token": request("GET", "/api/v1/admin/presenters", headers=("Authorization: Bearer nope",)),
        "join_redirect": request("GET", "/join/3232235777") + request("GET", "/join/12"),
        "chunked_join": b"POST /api/v1/join HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        b"Content-Type: application/json\r\n\r\n5\r\n{\"pin\r\n7\r\n\":\"12\"}\r\n0\r\n\r\n",
        "http10_no_host": b"GET /api/v1/status HTTP/1.0\r\n\r\n",
        "bad_method_and_paths": request("BREW", "/") + request("PUT", "/whip") + request("GET", "/../../etc/passwd") +
                                request("GET", "/%2e%2e/app.js?x=1"),
        "malformed_request_line": b"GET / HTTP/9.9\r\n\r\n",
        "header_too_large": b"GET / HTTP/1.1\r\nX-Fill: " + b"a" * 17000 + b"\r\n\r\n",
        "body_too_large": b"POST /whip HTTP/1.1\r\nContent-Type: application/sdp\r\nContent-Length: 200000\r\n\r\nv=0",
        "truncated_body": b"POST /api/v1/join HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"pin\":",
    }
    for name, data in seeds.items():
        (TARGET / name).write_bytes(data)


if __name__ == "__main__":
    main()
