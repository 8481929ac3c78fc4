// --latest: the backup location is a directory or S3 prefix, and the
// command takes the newest valid backup under it (baton/catalogue.h).
#pragma once

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <string>

#include "baton/catalogue.h"

namespace baton::cli {

struct LatestFlag {
  bool latest = false;

  void AddTo(CLI::App& cmd) {
    cmd.add_flag("--latest", latest,
                 "The location is a directory or S3 prefix: take the newest backup under it "
                 "that has a record (NAME.manifest.json) and matches it, and say which");
  }
  // Replaces a prefix with its newest valid backup, with --latest: of the
  // source path and layout where given.
  void Resolve(std::string& location, const std::string& zk_path = "",
               const std::string& layout = "") const {
    if (!latest) return;
    CatalogueEntry newest = LatestBackup(location, zk_path, layout);
    spdlog::info("using {} (taken {}, the newest valid backup there)", newest.name,
                 newest.record->created);
    location = newest.location;
  }
};

}  // namespace baton::cli
