#include "app/enquiries.h"

#include "app/messages.h"
#include "app/registration_ports.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::Done;
using domain::EnquiryStatus;
using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

// Like registration's references (read out over the phone, typed by staff: no 0/O, 1/I/L), with its own
// prefix so that nobody mistakes one for the other. 31^8 values, drawn at random: not guessable.
std::string new_reference(TokenSource& tokens) {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  const auto random = tokens.random_token();
  std::string reference = "Q";
  for (std::size_t i = 0; i < 8 && i < random.size(); ++i) {
    if (i == 4) reference += '-';
    reference += kAlphabet[static_cast<unsigned char>(random[i]) % kAlphabet.size()];
  }
  return reference;
}

bool may_answer(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kAnswerEnquiries); }

std::string subject_of(long long id) { return "enquiry:" + std::to_string(id); }

// Where messages about the enquiry go: the non-reader's email, or the reader's chosen contact.
Recipient recipient_of(Repositories& repos, const EnquiryRecord& enquiry) {
  if (!enquiry.reader_id) return {enquiry.email, ""};
  const auto settings = repos.registrations.reader_settings(*enquiry.reader_id);
  if (!settings) return {};
  return {settings->email, settings->email.empty() ? settings->mobile : ""};
}

// Thrown inside the transaction when another member of staff changed the enquiry between our reading and
// writing it: rolls back whatever this action wrote (events, messages).
struct LostRace {};

// A staff action on one enquiry in one transaction: loads it (kNotFound), lets `work` check the rule and
// change it, and saves it only if nobody changed it meanwhile. When someone did, the action is tried again on
// a fresh reading, where the rule decides (a second claim by someone else is then refused).
template <class Work>
Outcome<Done> staff_action(const Context& context, const Actor& actor, long long id, Work work) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  for (int attempt = 0;; ++attempt) {
    std::optional<Outcome<Done>> result;
    try {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        result.reset();
        auto enquiry = repos.enquiries.by_id(id);
        if (!enquiry) {
          result = failure(ErrorCode::kNotFound);
          return;
        }
        const auto expected_status = enquiry->status;
        const auto expected_claim = enquiry->claimed_by;
        result = work(repos, *enquiry);
        if (result->ok() && !repos.enquiries.update(*enquiry, expected_status, expected_claim)) throw LostRace{};
      });
      return std::move(*result);
    } catch (const LostRace&) {
      if (attempt >= 3) return failure(ErrorCode::kEditConflict);
    }
  }
}

}  // namespace

// ----- the enquirer -----

Outcome<EnquirySent> send_enquiry(const Context& context, const EnquirySettings& settings,
                                  const domain::EnquiryForm& form, std::optional<long long> reader_id,
                                  const std::string& address) {
  auto details = domain::validate_enquiry(form, reader_id.has_value());
  if (!details) return details.error();
  const auto now = context.clock.now();
  const auto address_key = "enquiry-address:" + context.tokens.digest(address);
  const auto sender_key = reader_id ? "enquiry-reader:" + std::to_string(*reader_id)
                                    : "enquiry-email:" + context.tokens.digest(to_lower_ascii(details->email));
  for (int attempt = 0;; ++attempt) {
    std::optional<Outcome<EnquirySent>> result;
    try {
      context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
        result.reset();
        std::optional<long long> library_id;
        if (!details->library.empty()) {
          auto library = repos.libraries.by_code(details->library);
          if (!library) {
            result = domain::invalid({{"library", ErrorCode::kInvalidChoice, {}}});
            return;
          }
          library_id = library->id;
        }
        if (static_cast<int>(repos.auth_failures.since(address_key, now - std::chrono::hours(1)).size()) >=
            settings.per_address_per_hour) {
          result = failure(ErrorCode::kTooManyEnquiries);
          return;
        }
        if (static_cast<int>(repos.auth_failures.since(sender_key, now - std::chrono::hours(24)).size()) >=
            settings.per_email_per_day) {
          result = failure(ErrorCode::kTooManyEnquiriesForEmail);
          return;
        }
        repos.auth_failures.record(address_key, now);
        repos.auth_failures.record(sender_key, now);
        EnquiryRecord enquiry;
        enquiry.reference = new_reference(context.tokens);
        enquiry.reader_id = reader_id;
        enquiry.name = details->name;
        enquiry.email = details->email;
        enquiry.subject = details->subject;
        enquiry.language = details->language;
        enquiry.question = details->question;
        enquiry.library_id = library_id;
        enquiry.status = EnquiryStatus::kNew;
        enquiry.submitted_at = now;
        enquiry.updated_at = now;
        enquiry.id = repos.enquiries.insert(enquiry);
        enqueue_message(repos, now, recipient_of(repos, enquiry), "enquiry_received", enquiry.language,
                        {{"reference", enquiry.reference},
                         {"subject", std::string(domain::enquiry_subject_code(enquiry.subject))},
                         {"hours", std::to_string(domain::kEnquiryAnswerHours)}});
        repos.audit.record({now, std::nullopt, "enquiry.sent", subject_of(enquiry.id),
                            std::string(domain::enquiry_subject_code(enquiry.subject))});
        result = EnquirySent{enquiry.id, enquiry.reference};
      });
      return std::move(*result);
    } catch (const StoreError& error) {
      if (!error.is_unique_violation() || attempt >= 3) throw;  // a reference drawn twice
    }
  }
}

std::vector<ReaderEnquiry> reader_enquiries(const Context& context, long long reader_id) {
  std::vector<ReaderEnquiry> out;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    out.clear();
    EnquiryFilter filter;
    filter.reader_id = reader_id;
    filter.limit = 200;
    auto records = repos.enquiries.list(filter);
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      ReaderEnquiry entry{*it, {}};
      for (auto& event : repos.enquiries.events(it->id))
        if (event.kind == "reply") entry.replies.push_back(std::move(event));
      out.push_back(std::move(entry));
    }
  });
  return out;
}

// ----- staff -----

Outcome<EnquiryQueue> enquiry_queue(const Context& context, const Actor& actor, const EnquiryFilter& filter) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  EnquiryQueue queue;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    queue.entries = repos.enquiries.list(filter);
    queue.total = repos.enquiries.count(filter);
  });
  return queue;
}

Outcome<EnquiryDetail> enquiry_detail(const Context& context, const Actor& actor, long long id) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<EnquiryDetail> detail;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    detail.reset();
    auto record = repos.enquiries.by_id(id);
    if (!record) return;
    detail = EnquiryDetail{*record, repos.enquiries.events(id), recipient_of(repos, *record).email};
    repos.audit.record({context.clock.now(), actor.staff_id, "enquiry.view", subject_of(id), ""});
  });
  if (!detail) return failure(ErrorCode::kNotFound);
  return std::move(*detail);
}

Outcome<Done> claim_enquiry(const Context& context, const Actor& actor, long long id) {
  return staff_action(context, actor, id, [&](Repositories& repos, EnquiryRecord& enquiry) -> Outcome<Done> {
    const bool mine = enquiry.claimed_by == actor.staff_id;
    if (auto refused = domain::can_claim(enquiry.status, mine)) return failure(*refused);
    if (mine && enquiry.status == EnquiryStatus::kClaimed) return Done{};
    const auto now = context.clock.now();
    enquiry.status = EnquiryStatus::kClaimed;
    enquiry.claimed_by = actor.staff_id;
    enquiry.claimed_at = now;
    enquiry.updated_at = now;
    repos.enquiries.add_event({0, id, now, actor.staff_id, "claim", "", std::nullopt, std::nullopt, ""});
    repos.audit.record({now, actor.staff_id, "enquiry.claim", subject_of(id), ""});
    return Done{};
  });
}

Outcome<Done> release_enquiry(const Context& context, const Actor& actor, long long id) {
  return staff_action(context, actor, id, [&](Repositories& repos, EnquiryRecord& enquiry) -> Outcome<Done> {
    const bool mine = enquiry.claimed_by == actor.staff_id;
    if (auto refused = domain::can_release(enquiry.status, mine, actor.role)) return failure(*refused);
    if (enquiry.status != EnquiryStatus::kClaimed) return Done{};
    const auto now = context.clock.now();
    const auto holder = enquiry.claimed_by;
    enquiry.status = EnquiryStatus::kNew;
    enquiry.claimed_by.reset();
    enquiry.claimed_at.reset();
    enquiry.updated_at = now;
    repos.audit.record({now, actor.staff_id, "enquiry.release", subject_of(id),
                        holder ? "from:staff:" + std::to_string(*holder) : std::string()});
    return Done{};
  });
}

Outcome<Done> reply_to_enquiry(const Context& context, const Actor& actor, long long id, const std::string& text) {
  auto reply = domain::validate_reply(text);
  if (!reply) return reply.error();
  return staff_action(context, actor, id, [&](Repositories& repos, EnquiryRecord& enquiry) -> Outcome<Done> {
    if (auto refused = domain::can_reply(enquiry.status, enquiry.claimed_by == actor.staff_id))
      return failure(*refused);
    const auto now = context.clock.now();
    enquiry.status = EnquiryStatus::kAnswered;
    enquiry.answered_at = now;
    enquiry.updated_at = now;
    repos.enquiries.add_event({0, id, now, actor.staff_id, "reply", reply.value(), std::nullopt, std::nullopt, ""});
    enqueue_message(
        repos, now, recipient_of(repos, enquiry), "enquiry_reply", enquiry.language,
        {{"reference", enquiry.reference}, {"reply", reply.value()}, {"reader", enquiry.reader_id ? "yes" : "no"}});
    repos.audit.record({now, actor.staff_id, "enquiry.reply", subject_of(id), ""});
    return Done{};
  });
}

Outcome<Done> transfer_enquiry(const Context& context, const Actor& actor, long long id,
                               const std::string& library_code, const std::string& note) {
  auto checked_note = domain::validate_transfer_note(note);
  std::vector<domain::FieldError> errors;
  if (library_code.empty()) errors.push_back({"library", ErrorCode::kRequired, {}});
  if (!checked_note)
    errors.insert(errors.end(), checked_note.error().fields.begin(), checked_note.error().fields.end());
  if (!errors.empty()) return domain::invalid(std::move(errors));
  return staff_action(context, actor, id, [&](Repositories& repos, EnquiryRecord& enquiry) -> Outcome<Done> {
    auto library = repos.libraries.by_code(library_code);
    if (!library) return domain::invalid({{"library", ErrorCode::kInvalidChoice, {}}});
    if (enquiry.library_id == library->id) return domain::invalid({{"library", ErrorCode::kSameLibrary, {}}});
    const bool claimed = enquiry.claimed_by.has_value() && enquiry.status == EnquiryStatus::kClaimed;
    if (auto refused = domain::can_transfer(enquiry.status, claimed, enquiry.claimed_by == actor.staff_id))
      return failure(*refused);
    const auto now = context.clock.now();
    repos.enquiries.add_event(
        {0, id, now, actor.staff_id, "transfer", checked_note.value(), enquiry.library_id, library->id, ""});
    enquiry.status = EnquiryStatus::kTransferred;
    enquiry.library_id = library->id;
    enquiry.claimed_by.reset();
    enquiry.claimed_at.reset();
    enquiry.updated_at = now;
    repos.audit.record({now, actor.staff_id, "enquiry.transfer", subject_of(id), "to:" + library->code});
    return Done{};
  });
}

Outcome<Done> close_enquiry(const Context& context, const Actor& actor, long long id) {
  return staff_action(context, actor, id, [&](Repositories& repos, EnquiryRecord& enquiry) -> Outcome<Done> {
    const bool claimed = enquiry.claimed_by.has_value();
    if (auto refused = domain::can_close(enquiry.status, claimed, enquiry.claimed_by == actor.staff_id))
      return failure(*refused);
    const auto now = context.clock.now();
    enquiry.status = EnquiryStatus::kClosed;
    enquiry.closed_at = now;
    enquiry.updated_at = now;
    repos.enquiries.add_event({0, id, now, actor.staff_id, "close", "", std::nullopt, std::nullopt, ""});
    repos.audit.record({now, actor.staff_id, "enquiry.close", subject_of(id), ""});
    return Done{};
  });
}

// ----- frequently asked questions -----

Outcome<domain::FaqInput> faq_draft_from(const Context& context, const Actor& actor, long long enquiry_id) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<domain::FaqInput> draft;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    draft.reset();
    auto enquiry = repos.enquiries.by_id(enquiry_id);
    if (!enquiry) return;
    std::string answer;
    for (const auto& event : repos.enquiries.events(enquiry_id))
      if (event.kind == "reply") answer = event.body;
    domain::FaqInput input;
    if (enquiry->language == domain::Language::kEnglish) {
      input.question_en = enquiry->question;
      input.answer_en = answer;
    } else {
      input.question_tc = enquiry->question;
      input.answer_tc = answer;
    }
    draft = input;
  });
  if (!draft) return failure(ErrorCode::kNotFound);
  return std::move(*draft);
}

Outcome<FaqEntry> publish_faq(const Context& context, const Actor& actor, std::optional<long long> enquiry_id,
                              const domain::FaqInput& input) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  auto checked = domain::validate_faq(input);
  if (!checked) return checked.error();
  std::optional<Outcome<FaqEntry>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    result.reset();
    if (enquiry_id && !repos.enquiries.by_id(*enquiry_id)) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    const auto now = context.clock.now();
    FaqEntry entry;
    entry.enquiry_id = enquiry_id;
    entry.question_en = checked->question_en;
    entry.answer_en = checked->answer_en;
    entry.question_tc = checked->question_tc;
    entry.answer_tc = checked->answer_tc;
    entry.published = true;
    entry.created_at = now;
    entry.updated_at = now;
    entry.created_by = actor.staff_id;
    entry.id = repos.enquiries.insert_faq(entry);
    repos.audit.record({now, actor.staff_id, "faq.publish", "faq:" + std::to_string(entry.id),
                        enquiry_id ? subject_of(*enquiry_id) : ""});
    result = entry;
  });
  return std::move(*result);
}

Outcome<Done> unpublish_faq(const Context& context, const Actor& actor, long long faq_id) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  bool found = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto now = context.clock.now();
    found = repos.enquiries.set_faq_published(faq_id, false, now);
    if (found) repos.audit.record({now, actor.staff_id, "faq.unpublish", "faq:" + std::to_string(faq_id), ""});
  });
  if (!found) return failure(ErrorCode::kNotFound);
  return Done{};
}

std::vector<FaqEntry> published_faqs(const Context& context, const std::string& query) {
  std::vector<FaqEntry> entries;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { entries = repos.enquiries.faqs(query, false, 200); });
  return entries;
}

Outcome<std::vector<FaqEntry>> staff_faqs(const Context& context, const Actor& actor) {
  if (!may_answer(actor)) return failure(ErrorCode::kPermissionDenied);
  std::vector<FaqEntry> entries;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { entries = repos.enquiries.faqs("", true, 500); });
  return entries;
}

int anonymise_enquiries(const Context& context, const EnquirySettings& settings) {
  int count = 0;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto now = context.clock.now();
    count = repos.enquiries.anonymise_closed(now - settings.keep_contact_after_close, now);
  });
  return count;
}

}  // namespace shelfmark::app
