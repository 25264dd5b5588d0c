// Crash-safe whole-file writes: after WriteFileDurably returns OK, the file
// holds exactly `data` and will after a crash; if it fails or the machine
// crashes midway, the file holds its previous contents (or does not exist)
// and at most a NAME.tmp is left, which RemoveTempFiles cleans up.
#pragma once

#include <string>
#include <string_view>

#include "silt/env.h"

namespace silt {

// Writes NAME.tmp, fsyncs it, renames it to NAME, fsyncs the directory.
Status WriteFileDurably(Env* env, const std::string& path, std::string_view data);

// Deletes every *.tmp file directly inside dir (left by a crash), then syncs
// dir if anything was removed. Returns the number removed.
Result<int> RemoveTempFiles(Env* env, const std::string& dir);

}  // namespace silt
