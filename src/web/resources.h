// What the binary carries: the static files (served under a URL with a content fingerprint) and the
// mustache templates, compiled once per thread and language with partials inlined and {{#t}} texts
// translated.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "web/i18n.h"

namespace shelfmark::web {

// Static files carried in the binary: URL (with a content fingerprint) -> file.
struct StaticFile {
  std::string url;
  std::string content_type;
  std::string_view body;
};
const StaticFile* find_static(const std::string& url);
const StaticFile& static_file(const std::string& name);  // "style.css"

// The template `name` (templates/name.mustache) as compiled for `language` on this thread (rendering is not
// thread-safe in kainjow). Throws std::logic_error for a missing or invalid template.
kainjow::mustache::mustache& compiled_template(const std::string& name, domain::Language language,
                                               const Translator& translator);

}  // namespace shelfmark::web
