#include "bin/settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
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
    error =
        "'" + text + "' has no host: write 127.0.0.1:PORT for this machine only, or 0.0.0.0:PORT for all interfaces";
    return std::nullopt;
  }
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
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

std::string check_audit_retention(int days, const std::string& option) {
  if (days < kMinAuditRetentionDays)
    return option + " must be at least " + std::to_string(kMinAuditRetentionDays) +
           " days: the audit log is how the library answers for what its staff did";
  if (days > 36525) return option + " must be at most 36525 days (100 years)";
  return "";
}

void create_private_directories(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path so_far;
  for (const auto& part : fs::path(path)) {
    so_far /= part;
    if (part.empty() || part == "/" || part == "." || part == "..") continue;
    // mkdir with the mode, rather than create_directories and a chmod: never open to others, not even briefly.
    if (::mkdir(so_far.c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create the folder " + so_far.string() + ": " + std::strerror(errno));
  }
}

std::string load_or_create_secret(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) {
    // Written by an older version, or copied in by hand: only the server's own user may read it.
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0 && (status.st_mode & 077) != 0) ::chmod(path.c_str(), 0600);
    std::ifstream in(path);
    std::string secret;
    std::getline(in, secret);
    if (secret.size() < 32)
      throw std::runtime_error("the secret file " + path + " is too short (need 32+ hex characters)");
    return secret;
  }
  const auto parent = fs::path(path).parent_path();
  if (!parent.empty()) create_private_directories(parent.string());
  const auto secret = security::random_bytes_hex(32);
  // Created with mode 0600 by open() itself (no umask juggling, which would affect every thread).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the secret file " + path + ": " + std::strerror(errno));
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) throw std::runtime_error("cannot write the secret file " + path);
  return secret;
}

}  // namespace shelfmark::bin
