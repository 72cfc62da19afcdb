// The text of messages to applicants and readers, in their language, from the outbox's kind and values
// (app/messages.h). Lives with the web's translations so that every text is in one catalogue.
#pragma once

#include <string>

#include "app/messages.h"
#include "web/i18n.h"

namespace shelfmark::web {

class TranslatedMessages final : public app::MessageComposer {
 public:
  // `site_url` (e.g. "https://library.example.hk") is put in front of links in messages.
  TranslatedMessages(const Translator& translator, std::string site_url)
      : translator_(translator), site_url_(std::move(site_url)) {}
  std::optional<app::ComposedMessage> compose(const app::OutboundMessage& message) override;

 private:
  const Translator& translator_;
  std::string site_url_;
};

}  // namespace shelfmark::web
