// Writing MARC21 records: ISO2709 in UTF-8 (leader/09 'a', lengths and directory computed) and MARCXML
// (namespace http://www.loc.gov/MARC21/slim). Characters XML cannot carry (C0 controls) are left out.
#pragma once

#include <string>
#include <vector>

#include "domain/bibliographic.h"

namespace shelfmark::marc {

std::string to_iso2709(const domain::MarcRecord& record);
// One <record> element with the MARC21 slim namespace declared on it (no XML declaration).
std::string to_marcxml(const domain::MarcRecord& record);
// A complete document: XML declaration, <collection>, the records.
std::string marcxml_collection_begin();
std::string marcxml_collection_end();
std::string to_marcxml_collection(const std::vector<domain::MarcRecord>& records);

}  // namespace shelfmark::marc
