#include "bin/demo_catalogue.h"

#include <gtest/gtest.h>

#include <set>

namespace shelfmark::bin {
namespace {

TEST(DemoCatalogue, IsDeterministicBilingualAndHeld) {
  DemoCatalogueOptions options;
  options.records = 2000;
  options.library_codes = {"CL", "KLNPL", "STPL"};
  const auto records = generate_demo_catalogue(options);
  ASSERT_EQ(records.size(), 2000u);
  EXPECT_EQ(records, generate_demo_catalogue(options));
  options.seed = 7;
  EXPECT_NE(records, generate_demo_catalogue(options));

  int chinese = 0, linked = 0, items = 0, ebooks = 0;
  std::set<std::string> control_numbers, barcodes;
  for (const auto& record : records) {
    ASSERT_EQ(record.leader.size(), 24u);
    const auto* f001 = record.first("001");
    ASSERT_NE(f001, nullptr);
    control_numbers.insert(f001->value);
    const auto* f008 = record.first("008");
    ASSERT_NE(f008, nullptr);
    ASSERT_EQ(f008->value.size(), 40u);
    if (f008->value.substr(35, 3) == "chi") ++chinese;
    if (record.first("880")) ++linked;
    for (const auto* holding : record.all("952")) {
      ++items;
      barcodes.insert(holding->subfield('p'));
      if (holding->subfield('y') == "e_book") ++ebooks;
      EXPECT_FALSE(holding->subfield('a').empty());
    }
    // The ISBN's check digit is right.
    const auto isbn = record.first("020")->subfield('a');
    ASSERT_EQ(isbn.size(), 13u);
    int sum = 0;
    for (std::size_t i = 0; i < 13; ++i) sum += (isbn[i] - '0') * (i % 2 == 0 ? 1 : 3);
    EXPECT_EQ(sum % 10, 0) << isbn;
  }
  EXPECT_EQ(control_numbers.size(), 2000u);
  EXPECT_EQ(barcodes.size(), static_cast<std::size_t>(items));
  EXPECT_GT(chinese, 900);
  EXPECT_LT(chinese, 1300);
  EXPECT_GT(linked, 100);
  EXPECT_GT(items, 4500);
  EXPECT_LT(items, 7500);
  EXPECT_GT(ebooks, 50);
}

}  // namespace
}  // namespace shelfmark::bin
