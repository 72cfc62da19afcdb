#include "bin/export_marc.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "marc/marc_writer.h"

namespace shelfmark::bin {
namespace {

std::optional<long long> as_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(text);
}

}  // namespace

int export_marc(const app::Context& context, const ExportMarcOptions& options) {
  std::ofstream file;
  const bool to_stdout = options.file == "-";
  if (!to_stdout) {
    file.open(options.file, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "shelfmark: %s: cannot be written\n", options.file.c_str());
      return 2;
    }
  }
  std::ostream& out = to_stdout ? std::cout : file;
  auto write = [&](const domain::MarcRecord& record) {
    out << (options.marcxml ? marc::to_marcxml(record) : marc::to_iso2709(record));
  };

  long long written = 0;
  if (options.marcxml) out << marc::marcxml_collection_begin();
  if (options.record) {
    std::optional<app::BibRecord> found;
    context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
      // A number is a record id; anything else, or a number that is no id, a control number.
      found.reset();
      if (auto id = as_id(*options.record)) found = repos.catalogue.record_by_id(*id);
      if (!found) found = repos.catalogue.record_by_control_number(*options.record);
    });
    if (!found) {
      std::fprintf(stderr, "shelfmark: --record: no catalogue record with id or control number '%s'\n",
                   options.record->c_str());
      return 2;
    }
    write(found->marc);
    ++written;
  } else {
    long long after = 0;
    while (true) {
      std::vector<app::BibRecord> page;
      context.store.transact(app::Store::Mode::kRead,
                             [&](app::Repositories& repos) { page = repos.catalogue.records_after(after, 500); });
      if (page.empty()) break;
      for (const auto& record : page) write(record.marc);
      written += static_cast<long long>(page.size());
      after = page.back().id;
    }
  }
  if (options.marcxml) out << marc::marcxml_collection_end();
  out.flush();
  if (!out) {
    std::fprintf(stderr, "shelfmark: %s: write failed\n", to_stdout ? "standard output" : options.file.c_str());
    return 2;
  }
  const auto summary = fmt::format("Exported {} records as {}{}.\n", written, options.marcxml ? "MARCXML" : "MARC21",
                                   to_stdout ? "" : " to " + options.file);
  std::fputs(summary.c_str(), to_stdout ? stderr : stdout);
  return 0;
}

}  // namespace shelfmark::bin
