#include "web/http.h"

#include <algorithm>
#include <cstdlib>

#include "core/text.h"

namespace shelfmark::web {

namespace {
std::string first(const Fields& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string Request::query_value(const std::string& name) const { return first(query, name); }
std::string Request::form_value(const std::string& name) const { return first(form, name); }
std::vector<std::string> Request::form_values(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = form.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}
std::string Request::cookie(const std::string& name) const {
  auto it = cookies.find(name);
  return it == cookies.end() ? std::string() : it->second;
}

void Response::set_header(const std::string& name, const std::string& value) {
  for (auto& [key, existing] : headers)
    if (to_lower_ascii(key) == to_lower_ascii(name) && to_lower_ascii(name) != "set-cookie") {
      existing = value;
      return;
    }
  headers.emplace_back(name, value);
}

const std::string* Response::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (to_lower_ascii(key) == to_lower_ascii(name)) return &value;
  return nullptr;
}

Response redirect(const std::string& location, int status) {
  Response response;
  response.status = status;
  response.set_header("Location", location);
  return response;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<Fields> parse_urlencoded(std::string_view text) {
  Fields fields;
  if (text.empty()) return fields;
  for (auto pair : split(text, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = equals == std::string_view::npos ? std::optional<std::string>("")
                                                  : percent_decode(pair.substr(equals + 1), true);
    if (!name || !value) continue;
    if (!is_valid_utf8(*name) || !is_valid_utf8(*value)) return std::nullopt;
    fields.emplace(std::move(*name), std::move(*value));
  }
  return fields;
}

std::map<std::string, std::string> parse_cookies(std::string_view header) {
  std::map<std::string, std::string> cookies;
  for (auto part : split(header, ';')) {
    part = trim(part);
    const auto equals = part.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    auto name = std::string(trim(part.substr(0, equals)));
    auto value = trim(part.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    cookies.emplace(std::move(name), std::string(value));  // the first of duplicate names wins
  }
  return cookies;
}

domain::Language negotiate_language(std::string_view accept_language) {
  struct Choice {
    domain::Language language;
    double quality;
    int order;
  };
  std::vector<Choice> choices;
  int order = 0;
  for (auto part : split(accept_language, ',')) {
    auto pieces = split(part, ';');
    const auto tag = to_lower_ascii(trim(pieces[0]));
    double quality = 1.0;
    for (std::size_t i = 1; i < pieces.size(); ++i) {
      auto parameter = trim(pieces[i]);
      if (parameter.substr(0, 2) == "q=") quality = std::strtod(std::string(parameter.substr(2)).c_str(), nullptr);
    }
    if (quality <= 0) continue;
    if (tag == "zh" || tag.rfind("zh-", 0) == 0 || tag == "yue" || tag.rfind("yue-", 0) == 0)
      choices.push_back({domain::Language::kTraditionalChinese, quality, order++});
    else if (tag == "en" || tag.rfind("en-", 0) == 0)
      choices.push_back({domain::Language::kEnglish, quality, order++});
  }
  if (choices.empty()) return domain::Language::kEnglish;
  std::stable_sort(choices.begin(), choices.end(), [](const Choice& a, const Choice& b) { return a.quality > b.quality; });
  return choices.front().language;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace shelfmark::web
