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
const UploadedFile* Request::file(const std::string& field) const {
  for (const auto& file : files)
    if (file.field == field) return &file;
  return nullptr;
}

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

std::variant<Fields, FormError> parse_form(std::string_view body, const FormLimits& limits) {
  if (body.size() > limits.max_bytes) return FormError::kTooLarge;
  // Count first, without allocating: the parse below then holds at most max_fields pairs.
  int fields = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    if (end > start && ++fields > limits.max_fields) return FormError::kTooManyFields;
    start = end + 1;
  }
  auto parsed = parse_urlencoded(body);
  if (!parsed) return FormError::kInvalidText;
  return std::move(*parsed);
}

namespace {

// A header value's parameters: `form-data; name="a"; filename="b.jpg"` -> type "form-data" and the
// parameters with their names lowercased. Nullopt when it does not parse.
struct HeaderValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> parameters;

  const std::string* parameter(std::string_view name) const {
    for (const auto& [key, value] : parameters)  // the first of duplicates wins
      if (key == name) return &value;
    return nullptr;
  }
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::optional<HeaderValue> parse_header_value(std::string_view text) {
  HeaderValue header;
  std::size_t i = 0;
  const auto n = text.size();
  const auto skip_space = [&] {
    while (i < n && is_space(text[i])) ++i;
  };
  const auto type_end = std::min(text.find(';'), n);
  header.type = to_lower_ascii(trim(text.substr(0, type_end)));
  i = type_end;
  while (true) {
    skip_space();
    if (i == n) return header;
    if (text[i] != ';') return std::nullopt;
    ++i;
    skip_space();
    if (i == n) return header;  // a trailing ';'
    if (text[i] == ';') continue;
    const auto name_start = i;
    while (i < n && text[i] != '=' && text[i] != ';' && text[i] != '"' && !is_space(text[i])) ++i;
    if (i == name_start) return std::nullopt;
    auto name = to_lower_ascii(text.substr(name_start, i - name_start));
    skip_space();
    if (i == n || text[i] != '=') return std::nullopt;
    ++i;
    skip_space();
    std::string value;
    if (i < n && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < n && (text[i] == '"' || text[i] == '\\')) {
          value.push_back(text[i++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return std::nullopt;
    } else {
      const auto value_start = i;
      while (i < n && text[i] != ';' && !is_space(text[i])) ++i;
      value = std::string(text.substr(value_start, i - value_start));
    }
    header.parameters.emplace_back(std::move(name), std::move(value));
  }
}

// RFC 2046 bchars: 1-70 of these, not ending in a space.
bool is_valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (char c : boundary) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Part headers are a few short lines; a long run without the blank line is not a browser's part.
constexpr std::size_t kMaxPartHeaderBytes = 16 * 1024;

class MultipartParser {
 public:
  MultipartParser(std::string_view boundary, std::string_view body, const MultipartLimits& limits)
      : delimiter_("\r\n--" + std::string(boundary)), body_(body), limits_(limits) {}

  std::variant<MultipartBody, MultipartError> parse() {
    const std::string_view dash_boundary = std::string_view(delimiter_).substr(2);
    std::size_t pos = 0;  // just after a delimiter
    if (body_.substr(0, dash_boundary.size()) == dash_boundary && ends_delimiter(dash_boundary.size())) {
      pos = dash_boundary.size();
    } else {
      const auto found = find_delimiter(0);  // after a preamble
      if (found == std::string_view::npos) return MultipartError::kMalformed;
      pos = found + delimiter_.size();
    }
    while (true) {
      if (body_.substr(pos, 2) == "--") return std::move(result_);  // the close; the epilogue is ignored
      while (pos < body_.size() && is_space(body_[pos])) ++pos;     // ends_delimiter saw a CRLF after these
      pos += 2;
      const auto end = find_delimiter(pos);
      if (end == std::string_view::npos) return MultipartError::kMalformed;  // truncated: no close
      if (++parts_ > limits_.max_parts) return MultipartError::kTooManyParts;
      if (auto error = add_part(body_.substr(pos, end - pos))) return *error;
      pos = end + delimiter_.size();
    }
  }

 private:
  // Whether what follows a delimiter at `after` makes it one: "--" (the close), or whitespace and CRLF.
  bool ends_delimiter(std::size_t after) const {
    if (body_.substr(after, 2) == "--") return true;
    while (after < body_.size() && is_space(body_[after])) ++after;
    return body_.substr(after, 2) == "\r\n";
  }

  // The position of the next "\r\n--boundary" at or after `from` that ends like a delimiter. Each match
  // is looked at once and the search goes on past it, so the whole scan stays linear.
  std::size_t find_delimiter(std::size_t from) const {
    while (true) {
      const auto found = body_.find(delimiter_, from);
      if (found == std::string_view::npos || ends_delimiter(found + delimiter_.size())) return found;
      from = found + 1;
    }
  }

  std::optional<MultipartError> add_part(std::string_view part) {
    std::string_view headers;
    std::string_view content;
    if (part.empty()) return std::nullopt;  // no headers, so no name
    if (part.substr(0, 2) == "\r\n") {
      content = part.substr(2);
    } else {
      const auto blank = part.substr(0, kMaxPartHeaderBytes + 4).find("\r\n\r\n");
      if (blank == std::string_view::npos) return MultipartError::kMalformed;
      headers = part.substr(0, blank);
      content = part.substr(blank + 4);
    }
    std::optional<HeaderValue> disposition;
    std::string_view content_type;
    std::size_t line_start = 0;
    while (line_start < headers.size()) {
      const auto line_end = std::min(headers.find("\r\n", line_start), headers.size());
      const auto line = headers.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return MultipartError::kMalformed;
      const auto name = to_lower_ascii(trim(line.substr(0, colon)));
      const auto value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        if (disposition) return MultipartError::kMalformed;  // two names for one part: which is meant?
        disposition = parse_header_value(value);
        if (!disposition) return MultipartError::kMalformed;
      } else if (name == "content-type") {
        content_type = value;
      }
    }
    if (!disposition || disposition->type != "form-data") return std::nullopt;
    const auto* name = disposition->parameter("name");
    if (!name || name->empty()) return std::nullopt;
    if (!is_valid_utf8(*name)) return MultipartError::kInvalidText;
    if (const auto* filename = disposition->parameter("filename")) {
      if (++files_ > limits_.max_files) return MultipartError::kTooManyFiles;
      if (!is_valid_utf8(*filename) || !is_valid_utf8(content_type)) return MultipartError::kInvalidText;
      UploadedFile file;
      file.field = *name;
      file.filename = *filename;
      file.content_type = std::string(content_type);
      if (content.size() > limits_.max_file_bytes)
        file.too_large = true;  // its bytes stay in the body
      else
        file.bytes = std::string(content);
      result_.files.push_back(std::move(file));
      return std::nullopt;
    }
    if (content.size() > limits_.max_text_bytes || !is_valid_utf8(content)) return MultipartError::kInvalidText;
    result_.fields.emplace(*name, std::string(content));
    return std::nullopt;
  }

  const std::string delimiter_;  // "\r\n--boundary"
  const std::string_view body_;
  const MultipartLimits& limits_;
  MultipartBody result_;
  int parts_ = 0;
  int files_ = 0;
};

}  // namespace

std::variant<MultipartBody, MultipartError> parse_multipart(std::string_view content_type_header, std::string_view body,
                                                            const MultipartLimits& limits) {
  const auto header = parse_header_value(content_type_header);
  if (!header) return MultipartError::kNoBoundary;
  const auto* boundary = header->parameter("boundary");
  if (!boundary || !is_valid_boundary(*boundary)) return MultipartError::kNoBoundary;
  return MultipartParser(*boundary, body, limits).parse();
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
  std::stable_sort(choices.begin(), choices.end(),
                   [](const Choice& a, const Choice& b) { return a.quality > b.quality; });
  return choices.front().language;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

int http_status_for(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kEditConflict:
      return 409;
    case ErrorCode::kTooManyAttempts:
    case ErrorCode::kSignInDelayed:
    case ErrorCode::kTooManyEnquiries:
    case ErrorCode::kTooManyEnquiriesForEmail:
      return 429;
    default:
      return 422;
  }
}

}  // namespace shelfmark::web
