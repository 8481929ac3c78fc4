// The storage versions of baton serve's store and the migration steps
// between them (see app_definition.h for the app layout of each version).
#pragma once

#include "layout/marathon/migration.h"

namespace baton::server {

// Minimum supported 1.0.0; steps 1.1.0 (ports -> portDefinitions) and 1.2.0
// (cpus/mem/disk -> resources); target 1.2.0.
marathon::Migration AppStoreMigration();

}  // namespace baton::server
