// --safety_backup_dir, for baton restore and baton serve (which restores
// through its leader endpoint): one name, one environment variable.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace baton::cli {

inline void AddSafetyBackupDirFlag(CLI::App& cmd, std::string& dir, const char* description) {
  cmd.add_option("--safety_backup_dir", dir, description)
      ->envname("BATON_SAFETY_BACKUP_DIR")
      ->capture_default_str();
}

}  // namespace baton::cli
