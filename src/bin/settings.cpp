#include "bin/settings.h"

#include <sys/stat.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "security/sodium.h"

namespace shelfmark::bin {

std::optional<ListenAddress> parse_listen(const std::string& text, std::string& error) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    error = "'" + text + "' is not HOST:PORT (for example 127.0.0.1:8080)";
    return std::nullopt;
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']')
    address.host = address.host.substr(1, address.host.size() - 2);
  if (address.host.empty()) {
    error = "'" + text + "' has no host: write 127.0.0.1:PORT for this machine only, or 0.0.0.0:PORT for all interfaces";
    return std::nullopt;
  }
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    error = "'" + port_text + "' is not a port number (1-65535)";
    return std::nullopt;
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

std::string check_database_url(const std::string& url) {
  if (url.empty()) return "no database given: use --database sqlite:var/shelfmark.db or postgresql://USER@HOST/NAME";
  if (url.rfind("sqlite:", 0) == 0) {
    if (url.size() == 7) return "the sqlite: URL has no file path (for example sqlite:var/shelfmark.db)";
    return "";
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return "";
  return "unsupported database URL: use sqlite:PATH or postgresql://USER@HOST:PORT/NAME";
}

std::string load_or_create_secret(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) {
    std::ifstream in(path);
    std::string secret;
    std::getline(in, secret);
    if (secret.size() < 32) throw std::runtime_error("the secret file " + path + " is too short (need 32+ hex characters)");
    return secret;
  }
  const auto parent = fs::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) fs::create_directories(parent, ignored);
  const auto secret = security::random_bytes_hex(32);
  const mode_t old_mask = umask(077);
  std::ofstream out(path);
  umask(old_mask);
  if (!out) throw std::runtime_error("cannot create the secret file " + path);
  out << secret << "\n";
  return secret;
}

}  // namespace shelfmark::bin
