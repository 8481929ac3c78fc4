// Why a ZooKeeper server cannot be reached, when the answer is TLS.
// ZooKeeper's secureClientPort closes a plain connection without a word,
// so a client that speaks plain TCP (Debian's C client is built without
// TLS; Baton's wire session speaks plain TCP too) only sees a connection
// that never completes. Offering a TLS handshake to each server tells the
// two apart, so the error can say which port to use instead.
//
// Thread safety: free functions, nothing shared.
#pragma once

#include <chrono>
#include <string>

namespace baton::zk {

// Whether `server` ("host:port") answers a TLS ClientHello with a
// ServerHello within `budget` (nothing is checked beyond that: only the
// protocol matters).
bool SpeaksTls(const std::string& server, std::chrono::milliseconds budget);

// For an error message: ": host:port answers in TLS ..." naming the first
// server of `hosts` that does, or "" when none does.
std::string TlsHint(const std::string& hosts);

}  // namespace baton::zk
