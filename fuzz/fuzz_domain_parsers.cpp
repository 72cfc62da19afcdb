// What staff type into forms: times, dates, hours, notices. Never crash; accepted hours are well formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "domain/library.h"
#include "domain/notice.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  using namespace shelfmark;
  parse_iso_date(input);
  parse_time_of_day(input);
  parse_local_date_time(input);
  auto ranges = domain::parse_time_ranges(input);
  if (ranges) {
    auto copy = ranges.value();
    if (domain::normalise_time_ranges(copy)) std::abort();
    auto again = domain::parse_time_ranges(domain::format_time_ranges(ranges.value()));
    if (!again || again.value() != ranges.value()) std::abort();
  }
  const auto third = input.size() / 3;
  domain::NoticeInput notice{
      input.substr(0, third), input.substr(third),    input, input.substr(third * 2), true, {input.substr(0, 4)},
      input.substr(0, 16),    input.substr(third, 16)};
  domain::validate_notice(notice);
  domain::paragraphs(input);
  return 0;
}
