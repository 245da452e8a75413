// SPDX-License-Identifier: Apache-2.0
#pragma once
// Is stderr connected to journald? systemd.exec(5): when it connects stdout/stderr to the
// journal it sets JOURNAL_STREAM to "DEVICE:INODE" of that stream. Children inherit the variable
// even when their stderr goes elsewhere (a redirect, a terminal opened from a service), so only
// a stderr whose device and inode match counts.
// Thread: any (reads the environment and fstat()s descriptor 2).

namespace presentd::log {

// True when `journal_stream` (a JOURNAL_STREAM value; nullptr when unset) names the file
// descriptor 2 is open on right now.
[[nodiscard]] bool stderr_is_journal(const char* journal_stream);

}  // namespace presentd::log
