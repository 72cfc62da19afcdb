// Ask a Librarian pages: the public form /{lang}/ask and the FAQ /{lang}/ask/faq, a reader's own enquiries at
// /{lang}/account/enquiries, and the reference staff's /{lang}/staff/enquiries/* (queue, enquiry, claim,
// reply, transfer, close) and /{lang}/staff/faq/* (publish, unpublish). Site dispatches to them; they call
// app/enquiries.h.
#pragma once

#include <string_view>
#include <vector>

#include "app/enquiries.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class AskPages {
 public:
  AskPages(PageKit& kit, app::EnquirySettings settings) : kit_(kit), settings_(settings) {}
  // The form and the FAQ, the reader's enquiries, and the staff's queue and FAQ.
  void add_routes(RouteTable& routes);

 private:
  // /{lang}/account/enquiries: the signed-in reader's.
  Response account(Page& p);
  Response form(Page& p, const domain::EnquiryForm& form, const std::optional<domain::Failure>& failure, int status);
  Response send(Page& p);
  Response faq(Page& p);

  Response queue(Page& p);
  Response enquiry(Page& p, long long id, const std::optional<domain::Failure>& failure = std::nullopt,
                   int status = 200);
  Response action(Page& p, long long id, std::string_view what);
  Response faq_form(Page& p, std::optional<long long> enquiry_id, const domain::FaqInput& input,
                    const std::optional<domain::Failure>& failure, int status);
  Response faq_publish(Page& p);
  Response faq_list(Page& p);
  Response faq_unpublish(Page& p, long long id);

  std::string t(Language lang, std::string_view msgid) const { return kit_.translations().translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return kit_.translations().format(lang, msgid, values);
  }
  std::string when(Language lang, Instant at) const;
  std::string library_name(Language lang, std::optional<long long> id) const;
  mustache::data libraries(Language lang, const std::string& selected) const;
  mustache::data subjects(Language lang, const std::string& selected) const;

  PageKit& kit_;
  app::EnquirySettings settings_;
};

}  // namespace shelfmark::web
