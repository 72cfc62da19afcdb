// The registration pages: the applicant's way through /{lang}/register/* and the staff's
// /{lang}/staff/registrations/* (verification queue, application, documents, counter completion) and
// /{lang}/staff/temporary-card. Site dispatches to them; they call app/registration.h.
#pragma once

#include <string_view>
#include <vector>

#include "app/cards.h"
#include "app/registration.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class RegistrationPages {
 public:
  // `services` may be null (a site without registration, as in some tests): the pages then say so.
  RegistrationPages(PageKit& kit, app::RegistrationServices* services) : kit_(kit), services_(services) {}
  // /{lang}/register/*, and the staff's queue, documents, decisions, completion and temporary cards.
  void add_routes(RouteTable& routes);

 private:
  // step: "" (the first page), "start", "terms", "details", "documents" or "review"
  Response applicant(Page& p, std::string_view step);
  Response start_page(Page& p);
  Response start(Page& p);
  Response terms(Page& p, const app::DraftView& draft);
  Response details(Page& p, const app::DraftView& draft);
  Response details_form(Page& p, const app::DraftView& draft, const domain::ApplicantForm& form,
                        const std::vector<domain::FieldError>& errors, int status);
  Response documents(Page& p, const app::DraftView& draft);
  Response documents_form(Page& p, const app::DraftView& draft, const std::vector<domain::FieldError>& errors,
                          int status);
  Response review(Page& p, const app::DraftView& draft);
  Response submit(Page& p, const app::DraftView& draft);

  Response queue(Page& p);
  Response application(Page& p, long long id, const std::vector<domain::FieldError>& errors = {}, int status = 200);
  Response document(Page& p, long long id, long long document_id);
  Response decide(Page& p, long long id, bool approve);
  Response completion_search(Page& p);
  Response completion_form(Page& p, long long id, const app::CompletionInput& input,
                           const std::vector<domain::FieldError>& errors, int status);
  Response complete(Page& p, long long id);
  Response temporary_card(Page& p, const app::TemporaryCardInput& input, const std::vector<domain::FieldError>& errors,
                          int status);
  Response temporary_card_post(Page& p);

  std::string t(Language lang, std::string_view msgid) const { return kit_.translations().translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return kit_.translations().format(lang, msgid, values);
  }
  std::string when(Language lang, Instant at) const;
  mustache::data summary_row(Language lang, const app::ApplicationSummary& entry) const;
  std::string draft_cookie_name(const Request& request) const;
  Response to_step(Page& p, std::string_view step);
  void steps(Page& p, mustache::data& content, int current, const app::DraftView& draft);

  PageKit& kit_;
  app::RegistrationServices* services_;
};

}  // namespace shelfmark::web
