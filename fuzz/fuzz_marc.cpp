// MARC records from outside (ISO2709 in MARC-8 or UTF-8, MARCXML): reading never crashes, every text that
// comes out is valid UTF-8, and a record read writes out and reads back to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text.h"
#include "marc/marc_reader.h"
#include "marc/marc_writer.h"

namespace {

using namespace shelfmark;

void check(const domain::MarcRecord& record) {
  for (const auto& field : record.fields) {
    if (!is_valid_utf8(field.value)) std::abort();
    for (const auto& subfield : field.subfields)
      if (!is_valid_utf8(subfield.value)) std::abort();
  }
  (void)domain::extract_bibliographic(record);
  // Written as ISO2709 and read back, the fields are the same (a field too long for ISO2709 is left out).
  const auto iso = marc::to_iso2709(record);
  if (iso.size() < 99999) {
    auto again = marc::decode_iso2709(iso, marc::Encoding::kUtf8);
    if (!again.record || again.record->fields != record.fields) std::abort();
  }
  auto xml = marc::decode_marcxml(marc::to_marcxml(record));
  if (!xml.record || xml.record->fields.size() != record.fields.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (auto encoding : {marc::Encoding::kAuto, marc::Encoding::kMarc8, marc::Encoding::kUtf8}) {
    auto reader = marc::open_bytes(input, encoding);
    int records = 0;
    while (auto result = reader->next()) {
      if (result->record)
        check(*result->record);
      else if (result->error.empty())
        std::abort();
      if (++records > 10000) std::abort();
    }
  }
  return 0;
}
