// compose's `extends`: a service built on another one, from the same file
// or another file (`extends: {file, service}`), in chains. The base is
// copied, then the service's own keys merged on top (config::merge_into:
// maps key by key, the rest replaced; `!reset` and `!override` honoured).
// A base from another directory has its relative paths made absolute there.
// Runs on the merged tree, before the dialect rewrites: every key, compose's
// spellings included, is inherited as written.
#pragma once

#include "config/diagnostic.h"
#include "config/tree.h"
#include "config/variables.h"
#include "project/tree_source.h"

namespace lineup::project {

void resolve_extends(config::Node& root, const ReadTree& read, const config::Variables& vars,
                     config::Diagnostics& diags);

}  // namespace lineup::project
