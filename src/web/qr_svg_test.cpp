#include "web/qr_svg.h"

#include <gtest/gtest.h>

namespace shelfmark::web {
namespace {

TEST(QrSvg, DrawsTheSmallestVersionWithAQuietZoneAndFinderPatterns) {
  const auto svg = qr_svg("HELLO", "Check <card>");
  ASSERT_EQ(svg.rfind("<svg", 0), 0u);
  // Version 1 is 21 modules wide; four modules of quiet zone on each side.
  EXPECT_NE(svg.find("viewBox=\"0 0 29 29\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Check &lt;card&gt;\""), std::string::npos);
  // The three finder patterns' corners are dark; the module just outside one is light.
  EXPECT_NE(svg.find("M4 4h1v1h-1z"), std::string::npos);
  EXPECT_NE(svg.find("M24 4h1v1h-1z"), std::string::npos);
  EXPECT_NE(svg.find("M4 24h1v1h-1z"), std::string::npos);
  EXPECT_EQ(svg.find("M11 4h1v1h-1z"), std::string::npos);
}

TEST(QrSvg, ACheckUrlFitsAndTooMuchTextGivesNothing) {
  const auto url = "https://library.example.hk/tc/staff/study-room/check/" + std::string(64, 'a');
  const auto svg = qr_svg(url, "QR");
  EXPECT_FALSE(svg.empty());
  EXPECT_TRUE(qr_svg(std::string(5000, 'x'), "QR").empty());
}

}  // namespace
}  // namespace shelfmark::web
