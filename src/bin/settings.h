// Settings for the `shelfmark` command (flags, a --config file, SHELFMARK_* environment variables, parsed by
// CLI11 in main.cpp) are checked here, so that every bad value gets one clear message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shelfmark::bin {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces is refused: say 0.0.0.0 explicitly).
// Returns an error message in `error` when the text is not an address.
std::optional<ListenAddress> parse_listen(const std::string& text, std::string& error);

// Checks a database URL's shape (sqlite:PATH or postgresql://...). Empty string when fine.
std::string check_database_url(const std::string& url);

// An audit retention period in days (ADR 0023): at least kMinAuditRetentionDays, so that a mistyped setting
// cannot empty the audit log, and at most 100 years. Empty string when fine, else a message naming `option`.
inline constexpr int kMinAuditRetentionDays = 365;
std::string check_audit_retention(int days, const std::string& option);

// Reads the server secret (hex) from `path`, creating it with 32 random bytes (mode 0600) if absent, in
// folders created readable by the owner only (0700). An existing file that others may read is made 0600.
// Throws std::runtime_error with a clear message when it cannot.
std::string load_or_create_secret(const std::string& path);

// Creates the folders of `path` that are missing, each with mode 0700 (the database and the secret live
// there); folders that exist are left as they are. Throws std::runtime_error when one cannot be created.
void create_private_directories(const std::string& path);

}  // namespace shelfmark::bin
