// Text folding shared by indexing and querying, so that what readers type matches what records hold:
// Traditional and Simplified Chinese (and Hong Kong variant forms) fold to one form, full-width and
// half-width forms fold (ＡＢＣ１２３ = ABC123), and Latin, Greek and Cyrillic letters lose their diacritics
// (café = cafe). Case is left to Xapian, so boolean operators (AND, OR, NOT) survive folding.
#pragma once

#include <string>
#include <string_view>

namespace shelfmark::search {

// Thread-safe. Invalid UTF-8 is replaced, never passed on.
std::string fold(std::string_view text);

}  // namespace shelfmark::search
