// SPDX-License-Identifier: Apache-2.0
#pragma once
// What an HTTP connection does around the router, apart from its socket: the limits a request
// parser gets, which read errors are answered (and with what) rather than just closing, and
// what every answer gets before it is written. HttpsConnection does its I/O around these; the
// HTTP fuzzer (tests/fuzz/http_api_fuzzer.cpp) feeds bytes from memory through the same steps.
// Thread: any (pure).
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/https_server.hpp"

namespace presentd::signaling {

using RequestParser = http::request_parser<http::string_body>;

// Header and body limits of HttpsLimits on a fresh parser.
void limit_request_parser(RequestParser& parser, const HttpsLimits& limits);

// The answer to a request that could not be read (too large, malformed): it closes the
// connection, since what follows in the stream cannot be trusted to be a request. nullopt when
// the read failed otherwise (the client went away, a timeout): nothing is answered.
std::optional<Response> refusal_for(const boost::beast::error_code& ec);

// Counts the answer (the router's response observer) and adds the security headers.
void finish_response(const HttpRouter& router, Response& response, bool hsts);

}  // namespace presentd::signaling
