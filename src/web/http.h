// Protocol-neutral HTTP request and response values, and the parsers for what arrives in them (query
// strings, form bodies, cookies, Accept-Language). Nothing here knows RESTinio: handlers are plain functions
// of Request -> Response, testable without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/library.h"

namespace shelfmark::web {

using Fields = std::multimap<std::string, std::string>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  Fields query;
  Fields form;  // application/x-www-form-urlencoded bodies
  std::map<std::string, std::string> cookies;
  std::string accept_language;
  std::string remote_address;
  bool tls = false;

  std::string query_value(const std::string& name) const;
  std::string form_value(const std::string& name) const;
  std::vector<std::string> form_values(const std::string& name) const;
  std::string cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string route = "unmatched";  // route pattern, for metrics and the access log

  void set_header(const std::string& name, const std::string& value);
  const std::string* header(const std::string& name) const;
};

Response redirect(const std::string& location, int status = 303);

// Percent-decoding; '+' becomes a space when plus_is_space. Nullopt for malformed escapes.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
std::string percent_encode(std::string_view text);
// Parses "a=1&b=2&a=3". Malformed pairs are skipped; nullopt when the text is not valid UTF-8 after decoding.
std::optional<Fields> parse_urlencoded(std::string_view text);
std::map<std::string, std::string> parse_cookies(std::string_view header);
// The reader's preferred language from an Accept-Language header: any Chinese (zh, zh-HK, zh-Hant, yue)
// before English picks Traditional Chinese; otherwise English.
domain::Language negotiate_language(std::string_view accept_language);

std::string html_escape(std::string_view text);

}  // namespace shelfmark::web
