// Demo data: a library network modelled on Hong Kong's (data/demo/network.json, carried in the binary),
// public holidays, a few notices in both languages, and a demo administrator.
#pragma once

#include <optional>
#include <string>

#include "app/ports.h"

namespace shelfmark::bin {

inline constexpr int kDemoReadersWithPin = 10;

// The web password of a demo reader with a PIN: "demo reader " and the last 4 digits of the card (so card
// 2100000004 signs in with "demo reader 0004"). The web takes passwords only, never PINs (ADR 0019).
std::string demo_reader_password(const std::string& card_number);

struct DemoReport {
  int libraries = 0;
  int notices = 0;
  int activities = 0;
  int holidays = 0;
  int readers = 0;
  int items = 0;
  int loans = 0;
  // The first demo readers (cards 2100000000, 2100000001 ...): a PIN for terminals (the last 4 digits of the
  // card) and a web password (demo_reader_password).
  int readers_with_pin = 0;
  bool already_loaded = false;
  std::optional<std::string> admin_password;  // set when the demo administrator was created
};

// Loads the demo network into an empty database; dates in the demo are relative to `today` (local).
// Leaves a database that already has libraries alone (already_loaded).
DemoReport load_demo_data(const app::Context& context);

}  // namespace shelfmark::bin
