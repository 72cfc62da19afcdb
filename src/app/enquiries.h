// Ask a Librarian (issue 8): anyone sends an enquiry (a signed-in reader, or anyone with a name and an email
// address) and gets a reference number and an acknowledgement; reference staff claim, reply to, transfer and
// close enquiries from a queue; good answers are published, anonymised, as frequently asked questions; a job
// removes non-readers' names and email addresses from closed enquiries after a while.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/enquiry_ports.h"
#include "app/notices.h"
#include "app/ports.h"
#include "domain/enquiry.h"

namespace shelfmark::app {

struct EnquirySettings {
  // Enquiries sent from one network address within an hour; more are refused. A library's public computers
  // share an address, so this is not tiny.
  int per_address_per_hour = 10;
  // Enquiries sent for one email address (compared ignoring case) or by one signed-in reader within a day.
  int per_email_per_day = 5;
  // A non-reader's name and email address are kept this long after the enquiry is closed (for a follow-up
  // question about the answer), then removed by the "anonymise-enquiries" job.
  std::chrono::seconds keep_contact_after_close{std::chrono::days(90)};
};

// ----- the enquirer -----

struct EnquirySent {
  long long id = 0;
  std::string reference;
};
// `reader_id`: the signed-in reader, who gives no name or email. Refused with kTooManyEnquiries (address) or
// kTooManyEnquiriesForEmail beyond the rate limits; validation failures name their fields.
domain::Outcome<EnquirySent> send_enquiry(const Context& context, const EnquirySettings& settings,
                                          const domain::EnquiryForm& form, std::optional<long long> reader_id,
                                          const std::string& address);

struct ReaderEnquiry {
  EnquiryRecord record;
  std::vector<EnquiryEvent> replies;
};
// The reader's own enquiries, newest first, with the replies (never another reader's).
std::vector<ReaderEnquiry> reader_enquiries(const Context& context, long long reader_id);

// ----- staff (Permission::kAnswerEnquiries) -----

struct EnquiryQueue {
  std::vector<EnquiryRecord> entries;
  long long total = 0;
};
domain::Outcome<EnquiryQueue> enquiry_queue(const Context& context, const Actor& actor, const EnquiryFilter& filter);

struct EnquiryDetail {
  EnquiryRecord record;
  std::vector<EnquiryEvent> events;
  std::string contact_email;  // where replies go: the non-reader's address or the reader's (may be empty)
};
// Each view is audited (it shows personal data).
domain::Outcome<EnquiryDetail> enquiry_detail(const Context& context, const Actor& actor, long long id);

// One member of staff at a time: of several claiming at once, exactly one succeeds; the others get
// kEnquiryClaimedByAnother.
domain::Outcome<domain::Done> claim_enquiry(const Context& context, const Actor& actor, long long id);
// The reply is emailed in the enquirer's language and shown in a reader's account.
domain::Outcome<domain::Done> reply_to_enquiry(const Context& context, const Actor& actor, long long id,
                                               const std::string& text);
// Gives up a claim: the enquiry is new again, in the same library's queue, for anyone to claim. By the one
// who claimed it, or an administrator (a colleague is away). Audited; an enquiry not held is left as it is.
domain::Outcome<domain::Done> release_enquiry(const Context& context, const Actor& actor, long long id);
// To another library's queue, unclaimed, with a note for its staff.
domain::Outcome<domain::Done> transfer_enquiry(const Context& context, const Actor& actor, long long id,
                                               const std::string& library_code, const std::string& note);
domain::Outcome<domain::Done> close_enquiry(const Context& context, const Actor& actor, long long id);

// ----- frequently asked questions -----

// A starting point for an FAQ entry from an enquiry: its question and latest reply in the enquiry's language.
// The enquirer's name and email address are never copied.
domain::Outcome<domain::FaqInput> faq_draft_from(const Context& context, const Actor& actor, long long enquiry_id);
domain::Outcome<FaqEntry> publish_faq(const Context& context, const Actor& actor, std::optional<long long> enquiry_id,
                                      const domain::FaqInput& input);
domain::Outcome<domain::Done> unpublish_faq(const Context& context, const Actor& actor, long long faq_id);
std::vector<FaqEntry> published_faqs(const Context& context, const std::string& query);
domain::Outcome<std::vector<FaqEntry>> staff_faqs(const Context& context, const Actor& actor);

// The job: non-readers' names and email addresses go from enquiries closed longer than the settings say.
int anonymise_enquiries(const Context& context, const EnquirySettings& settings);

}  // namespace shelfmark::app
