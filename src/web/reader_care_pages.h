// Looking after a reader (Permission::kEditReaders: administrators and counter staff), each page under the
// reader's record /{lang}/staff/readers/{card}: /edit (details, with a version check and a reason for a
// verified reader's name or date of birth), /membership (renewal), /blocks (add and lift), /notes (internal
// and to the reader; /notes/{id}/acknowledge, also from the counter), /pin (turned to the reader, who types
// the new PIN twice) and /password-reset (a link emailed to the reader). Every page shows who the reader is
// and links back to the record. Site dispatches to them after the staff session, role and CSRF checks; they
// call app/reader_care.h.
#pragma once

#include <optional>
#include <string>

#include "app/reader_care.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class ReaderCarePages {
 public:
  explicit ReaderCarePages(PageKit& kit) : kit_(kit) {}
  void add_routes(RouteTable& routes);

 private:
  using Failure = std::optional<domain::Failure>;
  Response edit(Page& p, const std::string& card, const Fields& typed = {}, const Failure& failure = std::nullopt);
  Response edit_post(Page& p, const std::string& card);
  Response membership(Page& p, const std::string& card, const Failure& failure = std::nullopt);
  Response membership_post(Page& p, const std::string& card);
  Response blocks(Page& p, const std::string& card, const Fields& typed = {}, const Failure& failure = std::nullopt);
  Response block_post(Page& p, const std::string& card);
  Response lift_post(Page& p, const std::string& card, long long block_id);
  Response notes(Page& p, const std::string& card, const Fields& typed = {}, const Failure& failure = std::nullopt);
  Response note_post(Page& p, const std::string& card);
  Response acknowledge_post(Page& p, const std::string& card, long long note_id);
  Response pin(Page& p, const std::string& card, const Failure& failure = std::nullopt);
  Response pin_post(Page& p, const std::string& card);
  Response reset(Page& p, const std::string& card, const Failure& failure = std::nullopt);
  Response reset_post(Page& p, const std::string& card);

  // The content every page of the group starts with (the reader's name and card, the link back, the tabs), or
  // the error page when the reader is unknown or the staff member may not.
  std::optional<Response> start(Page& p, const std::string& card, const std::string& page,
                                std::optional<app::ReaderProfile>& profile, mustache::data& content);
  Response show(Page& p, const std::string& card, const std::string& page, const std::string& title,
                mustache::data& content, const Failure& failure);

  PageKit& kit_;
};

}  // namespace shelfmark::web
