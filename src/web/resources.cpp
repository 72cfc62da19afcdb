#include "web/resources.h"

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "core/text.h"

namespace shelfmark::resources::templates {
std::optional<std::string_view> find(std::string_view name);
std::vector<std::string_view> names();
}  // namespace shelfmark::resources::templates
namespace shelfmark::resources::static_files {
std::optional<std::string_view> find(std::string_view name);
std::vector<std::string_view> names();
}  // namespace shelfmark::resources::static_files

namespace shelfmark::web {
namespace {

namespace mustache = kainjow::mustache;
using domain::Language;

std::string fingerprint(std::string_view bytes) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a: a content fingerprint, not a security measure
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  return fmt::format("{:016x}", hash).substr(0, 12);
}

std::map<std::string, StaticFile>& static_files() {
  static std::map<std::string, StaticFile> files = [] {
    std::map<std::string, StaticFile> result;
    for (auto name : resources::static_files::names()) {
      const auto body = *resources::static_files::find(name);
      const std::string file(name);
      const auto dot = file.rfind('.');
      const auto extension = file.substr(dot + 1);
      const std::string type = extension == "css"   ? "text/css; charset=utf-8"
                               : extension == "js"  ? "text/javascript; charset=utf-8"
                               : extension == "svg" ? "image/svg+xml"
                                                    : "application/octet-stream";
      const auto url = "/static/" + file.substr(0, dot) + "." + fingerprint(body) + "." + extension;
      result.emplace(file, StaticFile{url, type, body});
    }
    return result;
  }();
  return files;
}

std::string template_text(const std::string& name) {
  auto text = resources::templates::find(name + ".mustache");
  if (!text) throw std::logic_error("missing template " + name);
  return std::string(*text);
}

// A template as compiled for one language: partials ({{> name}}) inlined and {{#t}}text{{/t}} sections
// replaced by their translation once, so rendering a page parses nothing and calls no lambdas. (The
// translations may hold {{placeholders}}; they are filled like the rest of the template.)
std::string expand_template(const std::string& name, Language language, const Translator& translator, int depth = 0) {
  if (depth > 8) throw std::logic_error("template partials nest too deeply at " + name);
  const auto text = template_text(name);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("{{", at);
    if (open == std::string::npos) break;
    out.append(text, at, open - at);
    if (text.compare(open, 6, "{{#t}}") == 0) {
      const auto close = text.find("{{/t}}", open + 6);
      if (close == std::string::npos) throw std::logic_error("unclosed {{#t}} in template " + name);
      out += translator.translate(language, std::string_view(text).substr(open + 6, close - open - 6));
      at = close + 6;
    } else if (text.compare(open, 3, "{{>") == 0) {
      const auto close = text.find("}}", open);
      if (close == std::string::npos) throw std::logic_error("unclosed partial in template " + name);
      const auto partial = std::string(trim(std::string_view(text).substr(open + 3, close - open - 3)));
      out += expand_template(partial, language, translator, depth + 1);
      at = close + 2;
    } else {
      out.append("{{");
      at = open + 2;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace

const StaticFile* find_static(const std::string& url) {
  for (const auto& [name, file] : static_files())
    if (file.url == url) return &file;
  return nullptr;
}

const StaticFile& static_file(const std::string& name) { return static_files().at(name); }

// Compiled templates, one set per thread and language (rendering is not thread-safe in kainjow).
mustache::mustache& compiled_template(const std::string& name, Language language, const Translator& translator) {
  thread_local std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> cache;
  auto& slot = cache[std::string(domain::language_code(language)) + ":" + name];
  if (!slot) {
    slot = std::make_unique<mustache::mustache>(expand_template(name, language, translator));
    if (!slot->is_valid()) throw std::logic_error("template " + name + ": " + slot->error_message());
  }
  return *slot;
}

}  // namespace shelfmark::web
