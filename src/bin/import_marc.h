// `shelfmark import-marc`: reads MARC files record by record and imports them in batches (one transaction
// each), reporting every bad record and carrying on. Exit status: 0 when every record and copy went in,
// 1 when some record could not be read or imported or some copy was skipped (each is reported), 2 when the
// input is unusable (a file missing or unreadable: nothing is imported then).
#pragma once

#include <string>
#include <vector>

#include "app/ports.h"
#include "marc/marc_reader.h"

namespace shelfmark::bin {

struct ImportMarcOptions {
  std::vector<std::string> files;
  marc::Encoding encoding = marc::Encoding::kAuto;
  int batch_size = 500;
};

// Empty when every file exists and can be read; else the message to fail with (before opening the database).
std::string check_marc_files(const std::vector<std::string>& files);

// Progress and problems go to standard error, the summary to standard output. Returns the exit status.
int import_marc(const app::Context& context, const ImportMarcOptions& options);

}  // namespace shelfmark::bin
