// `shelfmark export-marc`: writes catalogue records as stored (UTF-8), as ISO2709 (MARC21) or as one MARCXML
// collection, all of them in id order or one by --record.
#pragma once

#include <optional>
#include <string>

#include "app/ports.h"

namespace shelfmark::bin {

struct ExportMarcOptions {
  std::string file;                   // "-" for standard output
  bool marcxml = false;               // else ISO2709
  std::optional<std::string> record;  // a record id, or a control number
};

// Returns the exit status: 0, or 2 when the record asked for does not exist or the file cannot be written.
int export_marc(const app::Context& context, const ExportMarcOptions& options);

}  // namespace shelfmark::bin
