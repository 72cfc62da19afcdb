// Demo data: a library network modelled on Hong Kong's (data/demo/network.json, carried in the binary),
// public holidays, a few notices in both languages, and a demo administrator.
#pragma once

#include <optional>
#include <string>

#include "app/ports.h"

namespace shelfmark::bin {

inline constexpr int kDemoReadersWithPin = 10;

struct DemoReport {
  int libraries = 0;
  int notices = 0;
  int activities = 0;
  int holidays = 0;
  int readers = 0;
  int items = 0;
  int loans = 0;
  int readers_with_pin = 0;  // the first demo readers (cards 2100000000, 2100000001 ...): PIN = last 4 digits
  bool already_loaded = false;
  std::optional<std::string> admin_password;  // set when the demo administrator was created
};

// Loads the demo network into an empty database; dates in the demo are relative to `today` (local).
// Leaves a database that already has libraries alone (already_loaded).
DemoReport load_demo_data(const app::Context& context);

}  // namespace shelfmark::bin
